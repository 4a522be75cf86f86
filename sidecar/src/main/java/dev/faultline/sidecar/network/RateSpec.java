package dev.faultline.sidecar.network;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A rate limit: netem's own {@code rate} where the kernel has sch_netem (Pumba's shaping), else a token bucket
 * ({@code tbf}), which needs no sch_netem.
 */
public record RateSpec(String rate, String burst, String latency, boolean netem, Overheads overheads) {
    /** netem rate's link-layer words (Pumba's {@code --packetoverhead}, {@code --cellsize}, {@code --celloverhead}). */
    public record Overheads(long packet, long cellSize, long cell) {
        public static final Overheads NONE = new Overheads(0, 0, 0);

        public Overheads {
            if (cellSize < 0) throw new IllegalArgumentException("--cellsize " + cellSize + ": must not be negative");
        }

        public boolean none() {
            return packet == 0 && cellSize == 0 && cell == 0;
        }

        /** The words after netem's {@code rate R}, as Pumba passes them: each only when not 0. */
        List<String> args() {
            List<String> a = new ArrayList<>();
            if (packet != 0) a.addAll(List.of("packetoverhead", Long.toString(packet)));
            if (cellSize != 0) a.addAll(List.of("cellsize", Long.toString(cellSize)));
            if (cell != 0) a.addAll(List.of("celloverhead", Long.toString(cell)));
            return a;
        }

        @Override
        public String toString() {
            return String.join(" ", args());
        }
    }

    /** Pumba's default rate. */
    public static final String DEFAULT = "100kbit";

    private static final Pattern RATE = Pattern.compile("\\d+(\\.\\d+)?(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)");

    /** With netem's {@code rate} when {@code netem}, else tbf. */
    public static RateSpec of(String rate, boolean netem) {
        return of(rate, netem, Overheads.NONE);
    }

    /** With netem's {@code rate} and its overheads when {@code netem}, else tbf (which has none: they are dropped). */
    public static RateSpec of(String rate, boolean netem, Overheads overheads) {
        RateSpec tbf = of(rate);
        return new RateSpec(tbf.rate, tbf.burst, tbf.latency, netem, overheads);
    }

    /** A token bucket ({@code tbf}). */
    public static RateSpec of(String rate) {
        if (rate == null || !RATE.matcher(rate).matches()) {
            throw new IllegalArgumentException(
                    "--rate " + rate + ": expected a tc rate such as 100kbit, 1mbit, 500kbps");
        }
        return new RateSpec(rate, "32kbit", "400ms", false, Overheads.NONE);
    }

    public List<String> args() {
        if (netem) {
            List<String> a = new ArrayList<>(List.of("netem", "rate", rate));
            a.addAll(overheads.args());
            return a;
        }
        return List.of("tbf", "rate", rate, "burst", burst, "latency", latency);
    }
}
