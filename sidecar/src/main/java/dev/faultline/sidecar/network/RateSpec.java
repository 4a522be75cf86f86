package dev.faultline.sidecar.network;

import java.util.List;
import java.util.regex.Pattern;

/** A token-bucket rate limit ({@code tbf}): needs no sch_netem. */
public record RateSpec(String rate, String burst, String latency) {
    private static final Pattern RATE = Pattern.compile("\\d+(\\.\\d+)?(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)");

    public static RateSpec of(String rate) {
        if (rate == null || !RATE.matcher(rate).matches()) {
            throw new IllegalArgumentException(
                    "--rate " + rate + ": expected a tc rate such as 100kbit, 1mbit, 500kbps");
        }
        return new RateSpec(rate, "32kbit", "400ms");
    }

    public List<String> args() {
        return List.of("tbf", "rate", rate, "burst", burst, "latency", latency);
    }
}
