package dev.faultline.cli;

import dev.faultline.common.words.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every fault an experiment arms carries a lease: an agent spec's {@code ttl=} and a sidecar command's
 * {@code --duration}, no longer than the lease (the rest of the run plus a margin). A longer or absent one is
 * shortened or added; {@code ttl=0} (no expiry) is never let through. So a runner killed with SIGKILL leaves
 * nothing armed past the lease.
 */
public final class Leases {
    /** The sidecar verbs whose change lasts (the others act once). */
    static final Set<String> LASTING = Set.of("pause", "netem", "iptables");
    /** The sidecar's options before its verb that take a value. */
    static final Set<String> VALUED = Set.of("--interval", "--limit", "--label");

    private Leases() {
    }

    public static String format(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000) + "s";
    }

    /** An agent spec's words with {@code ttl=} at most {@code lease}. */
    public static List<String> agentSpec(List<String> words, Duration lease) {
        List<String> out = new ArrayList<>();
        boolean had = false;
        for (String w : words) {
            if (w.startsWith("ttl=")) {
                had = true;
                long given = Durations.parseNanos(w.substring(4));
                out.add(given == 0 || given > lease.toNanos() ? "ttl=" + format(lease) : w);
            } else {
                out.add(w);
            }
        }
        if (!had) out.add("ttl=" + format(lease));
        return out;
    }

    /**
     * A sidecar command's words with {@code --duration} at most {@code lease} on a lasting verb. A repeating schedule
     * ({@code --interval}) without {@code --limit} has no end the runner could lease, and is refused.
     */
    public static List<String> sidecarCommand(List<String> words, Duration lease) {
        List<String> out = new ArrayList<>(words);
        int verb = 0;
        boolean interval = false;
        boolean limit = false;
        while (verb < out.size() && out.get(verb).startsWith("--")) {
            String w = out.get(verb);
            interval |= w.startsWith("--interval");
            limit |= w.startsWith("--limit");
            verb += VALUED.contains(w) ? 2 : 1;
        }
        if (interval && !limit) {
            throw new IllegalArgumentException("a repeating sidecar command (--interval) in an experiment needs --limit: the run cannot lease it otherwise");
        }
        if (verb >= out.size() || !LASTING.contains(out.get(verb))) return out;
        for (int i = verb + 1; i < out.size(); i++) {
            String w = out.get(i);
            if (w.equals("--duration") && i + 1 < out.size()) {
                if (Durations.parseNanos(out.get(i + 1)) > lease.toNanos()) out.set(i + 1, format(lease));
                return out;
            }
            if (w.startsWith("--duration=")) {
                if (Durations.parseNanos(w.substring("--duration=".length())) > lease.toNanos()) out.set(i, "--duration=" + format(lease));
                return out;
            }
        }
        out.add(verb + 1, format(lease));
        out.add(verb + 1, "--duration");
        return out;
    }
}
