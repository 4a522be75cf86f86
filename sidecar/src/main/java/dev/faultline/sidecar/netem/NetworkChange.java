package dev.faultline.sidecar.netem;

import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.target.ContainerTarget;

import java.time.Duration;
import java.util.List;

/**
 * One network change in one container: journalled, applied, guarded by a watchdog process outside the JVM
 * (it reverts at the deadline even if the sidecar is gone), and reverted exactly once.
 */
public final class NetworkChange {
    private final String id;
    private final ContainerTarget target;
    private final NetnsExecutor ns;
    private final List<List<String>> apply;
    private final List<List<String>> revert;
    private final Journal journal;
    private Runnable cancelWatchdog;
    private boolean active;

    public NetworkChange(String id, ContainerTarget target, NetnsExecutor ns, List<List<String>> apply, List<List<String>> revert, Journal journal) {
        this.id = id;
        this.target = target;
        this.ns = ns;
        this.apply = apply;
        this.revert = revert;
        this.journal = journal;
    }

    public String id() {
        return id;
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("faultline.action");

    public synchronized void apply(Duration duration) {
        long t0 = System.nanoTime();
        journal.applying(new Journal.Entry(id, target == null ? "self" : target.id(), dev.faultline.sidecar.journal.Owner.current(), System.currentTimeMillis() + duration.toMillis(), revert));
        active = true;
        try {
            for (List<String> cmd : apply) ns.check(cmd);
        } catch (RuntimeException e) {
            revert(); // undo the part that went in, then report
            throw e;
        }
        log.info("action=applied change={} container={} via={} apply_ms={}", id, target, ns.how(), String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
        cancelWatchdog = ns.watchdog(id, duration.plusSeconds(2), revert);
    }

    /** Idempotent. Reverts only what carries our handle or tag; absent pieces (already gone) are fine. */
    public synchronized void revert() {
        if (!active) return;
        active = false;
        long t0 = System.nanoTime();
        if (cancelWatchdog != null) cancelWatchdog.run();
        revertCommands(ns, revert);
        journal.reverted(id);
        log.info("action=reverted change={} container={} revert_ms={}", id, target, String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
    }

    public static void revertCommands(NetnsExecutor ns, List<List<String>> revert) {
        for (List<String> cmd : revert) ns.run(cmd);
    }
}
