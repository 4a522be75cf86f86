package dev.faultline.cli.command;

import dev.faultline.common.sidecar.SidecarLease;
import dev.faultline.common.words.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every fault an experiment arms carries a lease: an agent spec's {@code ttl=} and a sidecar command's
 * {@code --duration}, no longer than the lease (the rest of the run plus a margin). A longer or absent one is
 * shortened or added; {@code ttl=0} (no expiry) is never let through. So a runner killed with SIGKILL leaves
 * nothing armed past the lease.
 */
public final class Leases {
    private Leases() {}

    public static String format(Duration d) {
        return SidecarLease.format(d);
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

    /** How long an agent spec's fault lasts by its {@code ttl=}; null without one or for 0 (no expiry). */
    public static Duration ttl(List<String> words) {
        Duration ttl = null;
        for (String w : words) if (w.startsWith("ttl=")) ttl = Duration.ofNanos(Durations.parseNanos(w.substring(4)));
        return ttl == null || ttl.isZero() ? null : ttl;
    }

    /**
     * A sidecar command's words with {@code --duration} at most {@code lease} on a lasting verb, read with the
     * sidecar's own grammar ({@link SidecarLease}). A repeating schedule ({@code --interval}) without {@code --limit}
     * has no end the runner could lease, and is refused.
     */
    public static List<String> sidecarCommand(List<String> words, Duration lease) {
        return SidecarLease.apply(words, lease);
    }
}
