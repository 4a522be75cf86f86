package dev.faultline.sidecar.guest;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The independent witness: busybox's ping (the host has no iputils ping) from the app namespace, one reply time
 * per sequence number. A lost probe is a sequence number with no reply; a duplicate is a second reply.
 */
record Ping(String destination, int sent, int duplicates, double[] rtt) {
    private static final Pattern REPLY = Pattern.compile("seq=(\\d+) ttl=\\d+ time=([0-9.]+) ms( \\(DUP!\\))?");
    private static final Pattern SENT = Pattern.compile("(\\d+) packets transmitted");

    /** @param size payload bytes; larger probes make a corrupted bit land in a checksummed part almost always */
    static Ping probe(NetnsPair ns, String destination, int count, double intervalSeconds, int size) {
        long t0 = System.nanoTime();
        String out = Sh.run(
                        Duration.ofSeconds(120 + (long) (count * intervalSeconds * 5)),
                        ns.inApp(
                                "busybox",
                                "ping",
                                destination.contains(":") ? "-6" : "-4",
                                "-c",
                                Integer.toString(count),
                                "-i",
                                Double.toString(intervalSeconds),
                                "-W",
                                "2",
                                "-s",
                                Integer.toString(size),
                                destination))
                .text();
        Matcher s = SENT.matcher(out);
        if (!s.find()) throw new AssertionError("no ping summary: " + out);
        int sent = Integer.parseInt(s.group(1));
        double[] rtt = new double[sent];
        Arrays.fill(rtt, Double.NaN);
        int dups = 0;
        Matcher m = REPLY.matcher(out);
        while (m.find()) {
            int seq = Integer.parseInt(m.group(1));
            if (m.group(3) != null || (seq < sent && !Double.isNaN(rtt[seq]))) dups++;
            else if (seq < sent) rtt[seq] = Double.parseDouble(m.group(2));
        }
        Steps.log("ping " + destination + " x" + count + " " + SidecarProcess.secondsSince(t0));
        return new Ping(destination, sent, dups, rtt);
    }

    static Ping probe(NetnsPair ns, String destination, int count, double intervalSeconds) {
        return probe(ns, destination, count, intervalSeconds, 56);
    }

    int received() {
        return (int) Arrays.stream(rtt).filter(r -> !Double.isNaN(r)).count();
    }

    int lost() {
        return sent - received();
    }

    double lossPercent() {
        return 100.0 * lost() / sent;
    }

    double duplicatePercent() {
        return 100.0 * duplicates / sent;
    }

    double[] replies() {
        return Arrays.stream(rtt).filter(r -> !Double.isNaN(r)).toArray();
    }

    double p50() {
        return Stats.percentile(replies(), 50);
    }

    double p99() {
        return Stats.percentile(replies(), 99);
    }

    String summary() {
        double[] r = replies();
        return String.format(
                Locale.ROOT,
                "%s: %d sent, %d lost (%.1f%%), %d duplicates (%.1f%%), rtt p50 %.2f p99 %.2f min %.2f max %.2f sd %.2f ms",
                destination,
                sent,
                lost(),
                lossPercent(),
                duplicates,
                duplicatePercent(),
                r.length == 0 ? Double.NaN : p50(),
                r.length == 0 ? Double.NaN : p99(),
                Arrays.stream(r).min().orElse(Double.NaN),
                Arrays.stream(r).max().orElse(Double.NaN),
                Stats.stdev(r));
    }
}
