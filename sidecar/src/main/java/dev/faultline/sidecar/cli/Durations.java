package dev.faultline.sidecar.cli;

import java.time.Duration;

/** Pumba's duration words ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1m30s}): the grammar both programs share. */
public final class Durations {
    private Durations() {}

    /** Pumba's refusal of a lasting verb without its duration, then the sidecar's advice. */
    static final String MISSING = "unset or invalid duration value: --duration is required (e.g. --duration 30s)";

    /**
     * A lasting verb's duration, checked when its plan is made rather than by picocli's {@code required}: picocli
     * checks a required option before it reads a sub-verb's {@code --help}, so {@code netem delay --help} was refused.
     */
    static Duration required(Duration d) {
        if (d == null) throw new IllegalArgumentException(MISSING);
        return d;
    }

    public static Duration parse(String text) {
        try {
            return Duration.ofNanos(dev.faultline.common.words.Durations.parseNanos(text));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "': "
                    + (e instanceof ArithmeticException ? "too long" : e.getMessage()) + " (e.g. 500ms, 30s, 2m, 1h)");
        }
    }
}
