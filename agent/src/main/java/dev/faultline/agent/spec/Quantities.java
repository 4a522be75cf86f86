package dev.faultline.agent.spec;

import java.util.Locale;

/** Durations ({@code ms s m h}) and sizes ({@code b kb mb gb}, powers of 1024) as the grammar writes them. */
public final class Quantities {
    private Quantities() {
    }

    /** Longest suffix first, so "ms" is not read as "s". */
    private static final String[] DURATION_UNITS = {"ms", "us", "s", "m", "h"};
    private static final long[] DURATION_NANOS = {1_000_000L, 1_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};
    private static final String[] SIZE_UNITS = {"kb", "mb", "gb", "b"};
    private static final long[] SIZE_BYTES = {1L << 10, 1L << 20, 1L << 30, 1L};

    public static long parseDurationNanos(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("0")) return 0;
        return parse(key, value, v, DURATION_UNITS, DURATION_NANOS, "a duration needs a unit (ms, s, m, h), e.g. " + key + "=200ms");
    }

    public static long parseSizeBytes(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return parse(key, value, v, SIZE_UNITS, SIZE_BYTES, "a size needs a unit (b, kb, mb, gb), e.g. " + key + "=64kb");
    }

    private static long parse(String key, String value, String v, String[] suffixes, long[] units, String noUnit) {
        for (int i = 0; i < suffixes.length; i++) {
            if (v.endsWith(suffixes[i])) {
                double amount = parseNonNegative(key, value, v.substring(0, v.length() - suffixes[i].length()));
                return Math.round(amount * units[i]);
            }
        }
        throw new SpecException(key + "=" + value + ": " + noUnit);
    }

    private static double parseNonNegative(String key, String value, String number) {
        double amount;
        try {
            amount = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new SpecException(key + "=" + value + ": not a number");
        }
        if (amount < 0 || Double.isNaN(amount) || Double.isInfinite(amount)) {
            throw new SpecException(key + "=" + value + ": must not be negative");
        }
        return amount;
    }

    /** Renders nanoseconds the way the grammar writes them, for list() and logs. */
    public static String formatDuration(long nanos) {
        if (nanos % 3_600_000_000_000L == 0 && nanos > 0) return nanos / 3_600_000_000_000L + "h";
        if (nanos % 60_000_000_000L == 0 && nanos > 0) return nanos / 60_000_000_000L + "m";
        if (nanos % 1_000_000_000L == 0 && nanos > 0) return nanos / 1_000_000_000L + "s";
        if (nanos % 1_000_000L == 0) return nanos / 1_000_000L + "ms";
        return nanos / 1000 + "us";
    }
}
