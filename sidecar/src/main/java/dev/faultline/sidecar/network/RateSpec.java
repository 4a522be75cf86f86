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

        /**
         * The words after netem's {@code rate R}: tc reads them by position ({@code rate RATE [PACKETOVERHEAD
         * [CELLSIZE [CELLOVERHEAD]]]}; it refuses the words it prints them with, "What is packetoverhead?"), so
         * every one up to the last that is not 0, the ones before it as 0 where not given.
         */
        List<String> args() {
            long[] byPosition = {packet, cellSize, cell};
            int n = cell != 0 ? 3 : cellSize != 0 ? 2 : packet != 0 ? 1 : 0;
            List<String> a = new ArrayList<>();
            for (int i = 0; i < n; i++) a.add(Long.toString(byPosition[i]));
            return a;
        }

        /** As tc prints them back ({@code tc qdisc show}): named, each only when not 0. */
        @Override
        public String toString() {
            List<String> a = new ArrayList<>();
            if (packet != 0) a.add("packetoverhead " + packet);
            if (cellSize != 0) a.add("cellsize " + cellSize);
            if (cell != 0) a.add("celloverhead " + cell);
            return String.join(" ", a);
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
