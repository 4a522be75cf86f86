package dev.faultline.sidecar.cli;

import java.time.Duration;

/** Pumba's duration words ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1m30s}): the grammar both programs share. */
public final class Durations {
    private Durations() {}

    public static Duration parse(String text) {
        try {
            return Duration.ofNanos(dev.faultline.common.words.Durations.parseNanos(text));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "': "
                    + (e instanceof ArithmeticException ? "too long" : e.getMessage()) + " (e.g. 500ms, 30s, 2m, 1h)");
        }
    }
}
