package dev.faultline.sidecar.network;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every netem effect asked for at once, as one typed value: several effects (delay and loss together) are one
 * qdisc, and the argv is built from fields, so a zero never shifts another argument's position.
 */
public record NetemSpec(
        Duration delay,
        Duration jitter,
        Double delayCorrelation,
        String distribution,
        Double lossPercent,
        Double lossCorrelation,
        Double duplicatePercent,
        Double duplicateCorrelation,
        Double corruptPercent,
        Double corruptCorrelation) {

    public static NetemSpec delay(Duration delay, Duration jitter, Double correlation, String distribution) {
        if (delay.isNegative() || (jitter != null && jitter.isNegative()))
            throw new IllegalArgumentException("delay and jitter must not be negative");
        if (distribution != null
                && !List.of("uniform", "normal", "pareto", "paretonormal").contains(distribution)) {
            throw new IllegalArgumentException(
                    "--distribution " + distribution + ": expected uniform, normal, pareto or paretonormal");
        }
        if (distribution != null && (jitter == null || jitter.isZero())) {
            throw new IllegalArgumentException("--distribution needs --jitter above zero");
        }
        return new NetemSpec(
                delay, jitter, percent("--correlation", correlation), distribution, null, null, null, null, null, null);
    }

    public static NetemSpec loss(double percent, Double correlation) {
        return new NetemSpec(
                null,
                null,
                null,
                null,
                percent("--percent", percent),
                percent("--correlation", correlation),
                null,
                null,
                null,
                null);
    }

    public static NetemSpec duplicate(double percent, Double correlation) {
        return new NetemSpec(
                null,
                null,
                null,
                null,
                null,
                null,
                percent("--percent", percent),
                percent("--correlation", correlation),
                null,
                null);
    }

    public static NetemSpec corrupt(double percent, Double correlation) {
        return new NetemSpec(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                percent("--percent", percent),
                percent("--correlation", correlation));
    }

    /** Several effects in one qdisc. */
    public NetemSpec and(NetemSpec o) {
        return new NetemSpec(
                or(delay, o.delay),
                or(jitter, o.jitter),
                or(delayCorrelation, o.delayCorrelation),
                or(distribution, o.distribution),
                or(lossPercent, o.lossPercent),
                or(lossCorrelation, o.lossCorrelation),
                or(duplicatePercent, o.duplicatePercent),
                or(duplicateCorrelation, o.duplicateCorrelation),
                or(corruptPercent, o.corruptPercent),
                or(corruptCorrelation, o.corruptCorrelation));
    }

    /** The arguments after {@code netem}. */
    public List<String> args() {
        List<String> a = new ArrayList<>();
        if (delay != null) {
            a.add("delay");
            a.add(ms(delay));
            boolean correlated = delayCorrelation != null;
            if (jitter != null || correlated)
                a.add(ms(jitter == null ? Duration.ZERO : jitter)); // keeps the correlation in its place
            if (correlated) a.add(pct(delayCorrelation));
            if (distribution != null) {
                a.add("distribution");
                a.add(distribution);
            }
        }
        // tc sends netem's correlation attribute only when it parsed a delay, loss or corrupt correlation: a
        // duplicate correlation alone is dropped without a word (iproute2 q_netem.c; seen in the netem guest). A
        // zero loss or corrupt correlation (the same as none) makes tc carry it.
        boolean carried = delayCorrelation != null || lossCorrelation != null || corruptCorrelation != null;
        boolean carry = duplicateCorrelation != null && !carried;
        if (lossPercent != null) {
            a.add("loss");
            a.add(pct(lossPercent));
            if (lossCorrelation != null) a.add(pct(lossCorrelation));
            else if (carry) a.add("0%");
        }
        if (duplicatePercent != null) {
            a.add("duplicate");
            a.add(pct(duplicatePercent));
            if (duplicateCorrelation != null) a.add(pct(duplicateCorrelation));
        }
        if (corruptPercent != null || (carry && lossPercent == null)) {
            a.add("corrupt");
            a.add(pct(corruptPercent == null ? 0 : corruptPercent));
            if (corruptCorrelation != null) a.add(pct(corruptCorrelation));
            else if (carry && lossPercent == null) a.add("0%");
        }
        if (a.isEmpty()) throw new IllegalArgumentException("netem needs at least one effect");
        return a;
    }

    private static Double percent(String flag, Double v) {
        if (v != null && (v < 0 || v > 100))
            throw new IllegalArgumentException(flag + " " + v + ": a percentage is 0-100");
        return v;
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }

    private static String ms(Duration d) {
        long micros = d.toNanos() / 1000;
        return micros % 1000 == 0 ? micros / 1000 + "ms" : micros + "us";
    }

    private static String pct(double p) {
        return (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)) + "%";
    }
}
