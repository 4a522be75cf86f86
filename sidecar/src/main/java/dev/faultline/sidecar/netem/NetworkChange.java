package dev.faultline.sidecar.netem;

import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.target.ContainerTarget;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One network change in one container: journalled, applied, guarded by a watchdog process outside the JVM
 * (it reverts at the deadline even if the sidecar is gone), and reverted exactly once.
 */
public final class NetworkChange {
    private final String id;
    private final ContainerTarget target;
    private final long pid;
    private final List<List<String>> apply;
    private final List<List<String>> revert;
    private final Journal journal;
    private Process watchdog;
    private boolean active;

    public NetworkChange(String id, ContainerTarget target, long pid, List<List<String>> apply, List<List<String>> revert, Journal journal) {
        this.id = id;
        this.target = target;
        this.pid = pid;
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
        journal.applying(new Journal.Entry(id, target == null ? "self" : target.id(), ProcessHandle.current().pid(), System.currentTimeMillis() + duration.toMillis(), revert));
        active = true;
        try {
            for (List<String> cmd : apply) NetnsExec.check(pid, cmd);
        } catch (RuntimeException e) {
            revert(); // undo the part that went in, then report
            throw e;
        }
        log.info("action=applied change={} container={} apply_ms={}", id, target, String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
        watchdog = startWatchdog(duration.plusSeconds(2));
    }

    /** Idempotent. Reverts only what carries our handle or tag; absent pieces (already gone) are fine. */
    public synchronized void revert() {
        if (!active) return;
        active = false;
        long t0 = System.nanoTime();
        if (watchdog != null) watchdog.destroy();
        revertCommands(pid, revert);
        journal.reverted(id);
        log.info("action=reverted change={} container={} revert_ms={}", id, target, String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
    }

    public static void revertCommands(long pid, List<List<String>> revert) {
        for (List<String> cmd : revert) NetnsExec.run(pid, cmd);
    }

    /** A detached process in its own session: survives a SIGKILL of the sidecar and reverts at the deadline. */
    private Process startWatchdog(Duration after) {
        List<String> script = new ArrayList<>();
        for (List<String> cmd : revert) script.add(String.join(" ", cmd) + " >/dev/null 2>&1");
        String sh = "sleep " + Math.max(1, after.toSeconds()) + "; " + String.join("; ", script);
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(NetnsExec.inNamespace(pid, List.of("sh", "-c", sh)));
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null; // the JVM's own timer and the journal still revert it
        }
    }
}
