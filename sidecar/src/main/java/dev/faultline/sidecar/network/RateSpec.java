package dev.faultline.sidecar.network;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A rate limit: netem's own {@code rate} where the kernel has sch_netem (Pumba's shaping), else a token bucket
 * ({@code tbf}), which needs no sch_netem.
 */
public record RateSpec(String rate, String burst, String latency, boolean netem) {
    /** Pumba's default rate. */
    public static final String DEFAULT = "100kbit";

    private static final Pattern RATE = Pattern.compile("\\d+(\\.\\d+)?(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)");

    /** With netem's {@code rate} when {@code netem}, else tbf. */
    public static RateSpec of(String rate, boolean netem) {
        RateSpec tbf = of(rate);
        return new RateSpec(tbf.rate, tbf.burst, tbf.latency, netem);
    }

    /** A token bucket ({@code tbf}). */
    public static RateSpec of(String rate) {
        if (rate == null || !RATE.matcher(rate).matches()) {
            throw new IllegalArgumentException(
                    "--rate " + rate + ": expected a tc rate such as 100kbit, 1mbit, 500kbps");
        }
        return new RateSpec(rate, "32kbit", "400ms", false);
    }

    public List<String> args() {
        if (netem) return List.of("netem", "rate", rate);
        return List.of("tbf", "rate", rate, "burst", burst, "latency", latency);
    }
}
