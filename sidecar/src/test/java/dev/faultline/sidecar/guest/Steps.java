package dev.faultline.sidecar.guest;

import java.util.Locale;

/** Where a guest test spends its time (everything is ~20x slower under TCG): one line per step, on stdout. */
final class Steps {
    private static long t0 = System.nanoTime();
    private static String test = "";

    private Steps() {}

    static synchronized void start(String name) {
        t0 = System.nanoTime();
        test = name;
    }

    static synchronized void log(String step) {
        System.out.println(String.format(Locale.ROOT, "[%7.1fs] %s: %s", (System.nanoTime() - t0) / 1e9, test, step));
    }
}
