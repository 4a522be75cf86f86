package dev.faultline.sidecar.jvm;

import java.time.Duration;

/** The end of one step of an attach: every wait is bounded, and the refusal says which step ran out. */
record Deadline(long endNanos, String step) {
    static Deadline in(Duration d, String step) {
        return new Deadline(System.nanoTime() + d.toNanos(), step);
    }

    long remainingMillis() {
        return Math.max(0, (endNanos - System.nanoTime()) / 1_000_000);
    }

    boolean passed() {
        return System.nanoTime() - endNanos >= 0;
    }
}
