package dev.faultline.sidecar.guest;

import java.util.SplittableRandom;

/**
 * What fraction of probes a netem percentage should hit, and its sampling error over a given number of probes,
 * from a model of netem's own random draws (Linux 6.1 {@code get_crandom()} in net/sched/sch_netem.c): a probe is
 * hit when {@code percent >= draw}, and with a correlation {@code rho} each draw is
 * {@code (u32 * (2^32 - rho) + last * rho) >> 32}. That is not a correlation that keeps the rate: asked 30 % loss
 * with 50 % correlation, the kernel drops about 11 %. The model predicts what the kernel does, so a witness can be
 * held to it within sampling error, and BENCHMARKS.md can say how far that is from what was asked.
 */
final class NetemDraws {
    private static final double U32_MAX = 0xFFFFFFFFL;

    record Expected(double percent, double sigma) {
        double lo() {
            return Math.max(0, percent - 4 * sigma);
        }

        double hi() {
            return percent + 4 * sigma;
        }
    }

    private final long threshold;
    private final long rho;
    private final SplittableRandom random = new SplittableRandom(0x5EED);
    private long last = random.nextLong() & 0xFFFFFFFFL;

    private NetemDraws(double percent, double correlation) {
        threshold = (long) Math.rint(percent / 100 * U32_MAX); // tc's get_percent()
        rho = (long) Math.rint(correlation / 100 * U32_MAX);
    }

    private boolean hit() {
        long value = random.nextLong() & 0xFFFFFFFFL;
        if (rho != 0) {
            long r = rho + 1;
            value = (value * ((1L << 32) - r) + last * r)
                    >>> 32; // < 2^64: the unsigned shift gives the kernel's u64 result
            last = value;
        }
        return threshold >= value;
    }

    /** The mean hit percentage over windows of {@code probes} draws, and its standard deviation across windows. */
    static Expected of(double percent, double correlation, int probes) {
        NetemDraws d = new NetemDraws(percent, correlation);
        int windows = 2000;
        double[] rates = new double[windows];
        for (int w = 0; w < windows; w++) {
            int hits = 0;
            for (int i = 0; i < probes; i++) if (d.hit()) hits++;
            rates[w] = 100.0 * hits / probes;
        }
        return new Expected(Stats.mean(rates), Stats.stdev(rates));
    }
}
