package dev.faultline.agent.spec;

import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.common.words.Durations;
import java.util.Locale;

/** Durations (the shared grammar of {@link Durations}) and sizes ({@code b kb mb gb}, powers of 1024) as the grammar writes them. */
public final class Quantities {
    private Quantities() {}

    /** Longest suffix first, so "kb" is not read as "b". */
    private static final String[] SIZE_UNITS = {"kb", "mb", "gb", "b"};

    private static final long[] SIZE_BYTES = {1L << 10, 1L << 20, 1L << 30, 1L};

    /** The grammar both programs share ({@link Durations}: {@code 200ms}, {@code 1m30s} …), the key named in a refusal. */
    public static long parseDurationNanos(String key, String value) {
        try {
            return Durations.parseNanos(value);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SpecException(key + "=" + value + ": "
                    + (e instanceof ArithmeticException ? "too long" : e.getMessage()) + ", e.g. " + key + "=200ms");
        }
    }

    public static long parseSizeBytes(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return parse(
                key, value, v, SIZE_UNITS, SIZE_BYTES, "a size needs a unit (b, kb, mb, gb), e.g. " + key + "=64kb");
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
        return FaultSpec.formatDuration(nanos);
    }
}
