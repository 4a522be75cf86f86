package dev.faultline.common.words;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of both programs: a number and a unit ({@code us ms s m h}), fractions allowed,
 * parts combined as in {@code 1m30s} (the agent's {@code ttl=1m30s} and the sidecar's {@code --duration 1m30s}
 * mean the same), and a bare {@code 0}. Each part is rounded to whole nanoseconds.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|ms|s|m|h)");

    private Durations() {}

    /** Nanoseconds; refuses anything else with the reason (the caller names the option). */
    public static long parseNanos(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) return 0;
        if (t.startsWith("-")) throw new IllegalArgumentException("must not be negative");
        Matcher m = PART.matcher(t);
        long nanos = 0;
        int at = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            double unit = switch (m.group(2)) {
                case "us" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos = Math.addExact(nanos, Math.round(Double.parseDouble(m.group(1)) * unit));
            at = m.end();
        }
        if (at != t.length() || t.isEmpty()) {
            throw new IllegalArgumentException(
                    "not a duration: a number and a unit (us, ms, s, m, h), parts combined as in 1m30s");
        }
        return nanos;
    }
}
