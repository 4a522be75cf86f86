package dev.faultline.sidecar.chaos;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pumba's duration words: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} (and combinations: {@code 1m30s}). */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.trim();
        Matcher m = PART.matcher(t);
        long nanos = 0;
        int at = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            nanos += (long) (n * switch (m.group(2)) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            });
            at = m.end();
        }
        if (at != t.length() || t.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': not a duration (e.g. 500ms, 30s, 2m, 1h)");
        }
        return Duration.ofNanos(nanos);
    }
}
