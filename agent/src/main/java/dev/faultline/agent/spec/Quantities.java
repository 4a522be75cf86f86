package dev.faultline.agent.spec;

import java.util.Locale;

/** Durations ({@code ms s m h}) and sizes ({@code b kb mb gb}, powers of 1024) as the grammar writes them. */
public final class Quantities {
    private Quantities() {
    }

    public static long parseDurationNanos(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (v.endsWith("ms")) {
            unit = 1_000_000L;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("us")) {
            unit = 1_000L;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            unit = 1_000_000_000L;
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            unit = 60_000_000_000L;
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("h")) {
            unit = 3_600_000_000_000L;
            number = v.substring(0, v.length() - 1);
        } else if (v.equals("0")) {
            return 0;
        } else {
            throw new SpecException(key + "=" + value + ": a duration needs a unit (ms, s, m, h), e.g. " + key + "=200ms");
        }
        double amount = parseNonNegative(key, value, number);
        return Math.round(amount * unit);
    }

    public static long parseSizeBytes(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (v.endsWith("kb")) {
            unit = 1L << 10;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("mb")) {
            unit = 1L << 20;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("gb")) {
            unit = 1L << 30;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("b")) {
            unit = 1;
            number = v.substring(0, v.length() - 1);
        } else {
            throw new SpecException(key + "=" + value + ": a size needs a unit (b, kb, mb, gb), e.g. " + key + "=64kb");
        }
        double amount = parseNonNegative(key, value, number);
        return Math.round(amount * unit);
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
