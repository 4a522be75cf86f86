package dev.faultline.sidecar.guest;

import java.util.Arrays;

/** Sample statistics for the witnesses. */
final class Stats {
    private Stats() {}

    static double percentile(double[] xs, double p) {
        if (xs.length == 0) throw new AssertionError("no samples");
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100.0 * s.length) - 1))];
    }

    static double mean(double[] xs) {
        return Arrays.stream(xs).average().orElse(Double.NaN);
    }

    static double stdev(double[] xs) {
        double m = mean(xs);
        return Math.sqrt(Arrays.stream(xs).map(x -> (x - m) * (x - m)).sum() / Math.max(1, xs.length - 1));
    }

    /** Lag-1 autocorrelation: near 0 for independent samples, near the correlation for an AR(1) series. */
    static double lag1(double[] xs) {
        double m = mean(xs);
        double num = 0;
        double den = 0;
        for (int i = 0; i < xs.length; i++) {
            den += (xs[i] - m) * (xs[i] - m);
            if (i > 0) num += (xs[i] - m) * (xs[i - 1] - m);
        }
        return num / den;
    }
}
