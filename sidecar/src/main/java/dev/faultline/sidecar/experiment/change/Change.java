package dev.faultline.sidecar.experiment.change;

import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.experiment.journal.Owner;
import dev.faultline.sidecar.network.NetnsCommand;
import dev.faultline.sidecar.network.NetnsExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One change to one target that must not outlive its time: written to the journal before it is made, guarded by a
 * watchdog process outside the JVM, and marked done only once a check of the target shows nothing of it left (or
 * the target gone). A revert that cannot be verified keeps the journal entry and the watchdog, is tried three times
 * here, then again in the background with growing pauses; the watchdog at its deadline and the next start's
 * recovery try too.
 */
public abstract class Change {
    private static final Logger log = LoggerFactory.getLogger("faultline.action");
    private static final long[] PAUSES_MS = {200, 800};

    private final String id;
    private final String targetId;
    private final String label;
    private final Journal.Kind kind;
    private final List<List<String>> journalledRevert;
    private final List<List<String>> journalledVerify;
    private final Journal journal;
    private Runnable cancelWatchdog;
    private boolean active;
    private boolean retrying;
    private volatile int failedAttempts;
    private volatile String problem;

    /**
     * @param label  how the log names the target, e.g. {@code web(0123456789ab)}
     * @param revert what the journal keeps to undo it, for recovery (a network change's commands; none for a pause)
     * @param verify what the journal keeps to check it is undone
     */
    protected Change(
            String id,
            String targetId,
            String label,
            Journal.Kind kind,
            List<List<String>> revert,
            List<List<String>> verify,
            Journal journal) {
        this.id = id;
        this.targetId = targetId;
        this.label = label;
        this.kind = kind;
        this.journalledRevert = revert;
        this.journalledVerify = verify;
        this.journal = journal;
    }

    public final String id() {
        return id;
    }

    /** The container id, {@code self} or {@code pid:N}, as the journal records it. */
    public final String targetId() {
        return targetId;
    }

    /** Makes the change; calls {@link KillPoints#reached} with {@code FIRST_COMMAND} after its first step. */
    protected abstract void make();

    /** Undoes it, tolerating pieces already gone. */
    protected abstract void undo();

    /** What is left of the change on the target, or null when nothing is (or the target is gone). */
    protected abstract String leftover();

    /** Starts the process outside the JVM that undoes it after {@code after}; returns how to cancel it. */
    protected abstract Runnable watchdog(Duration after);

    /** How the target was reached, for the action log. */
    protected abstract String how();

    /** Called once the change is verified undone: ends what was kept open for it. */
    protected void closed() {}

    public final synchronized void apply(Duration duration) {
        long t0 = System.nanoTime();
        try {
            journal.applying(new Journal.Entry(
                    id,
                    targetId,
                    Owner.current(),
                    System.currentTimeMillis() + duration.toMillis(),
                    kind,
                    journalledRevert,
                    journalledVerify));
        } catch (RuntimeException e) {
            closed(); // refused before anything was changed
            throw e;
        }
        KillPoints.reached(KillPoints.JOURNALLED);
        active = true;
        OpenChanges.opened(this);
        try {
            make();
        } catch (RuntimeException e) {
            if (!revert())
                log.error(
                        "action=apply-failed change={} container={} and its revert is not verified: {}",
                        id,
                        label,
                        problem);
            throw e;
        }
        KillPoints.reached(KillPoints.APPLIED);
        cancelWatchdog = watchdog(duration.plusSeconds(2));
        log.info("action=applied change={} container={} via={} apply_ms={}", id, label, how(), ms(t0));
    }

    /** A change a crashed sidecar left, read back from its journal: in force until {@link #revert()} proves otherwise. */
    protected final Change adopted() {
        active = true;
        OpenChanges.opened(this);
        return this;
    }

    /**
     * Idempotent. Runs to the end even when the thread is interrupted (a stop interrupts the experiment it reverts).
     * @return whether the target is verified clean; if not, the change stays open and is retried in the background
     */
    public final synchronized boolean revert() {
        if (!active) return true;
        long t0 = System.nanoTime();
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 0; ; attempt++) {
                KillPoints.reached(KillPoints.REVERTING);
                // the check decides, not the revert's own answer: an unpause of a container already running fails, and
                // is fine
                String undoError = null, left;
                try {
                    undo();
                } catch (RuntimeException e) {
                    undoError = e.getMessage();
                }
                try {
                    left = leftover();
                } catch (RuntimeException e) {
                    left = "cannot check: " + e.getMessage();
                }
                if (left != null && undoError != null) left += " (the revert said: " + undoError.strip() + ")";
                if (left == null) {
                    done(t0);
                    return true;
                }
                failedAttempts++;
                problem = left;
                OpenChanges.revertFailed();
                log.warn(
                        "action=revert-failed change={} container={} attempt={} left=\"{}\"",
                        id,
                        label,
                        failedAttempts,
                        left);
                if (attempt >= PAUSES_MS.length) break;
                interrupted |= pause(PAUSES_MS[attempt]);
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (!retrying) {
            retrying = true;
            OpenChanges.retryInBackground(this);
        }
        return false;
    }

    private void done(long t0) {
        if (cancelWatchdog != null) cancelWatchdog.run(); // only now: until the target is clean, it still guards
        active = false;
        OpenChanges.closed(this);
        try {
            journal.reverted(id);
        } catch (RuntimeException e) { // the next start reverts it once more, harmlessly, and then marks it
            log.warn("action=reverted change={} but the journal cannot say so: {}", id, e.getMessage());
        }
        // revert_ms: until the target is verified clean and the journal says so; ending what was kept open follows
        log.info(
                "action=reverted change={} container={} revert_ms={}{}",
                id,
                label,
                ms(t0),
                failedAttempts > 0 ? " after_failed_attempts=" + failedAttempts : "");
        closed();
    }

    /** Whether a revert has failed and is being retried. */
    public final boolean revertPending() {
        return active && failedAttempts > 0;
    }

    /** For {@code list()}: a change whose revert is being retried, and why. */
    public final String summary() {
        return "revert-pending " + id + "  container=" + targetId + "  failed_attempts=" + failedAttempts + "  left="
                + problem;
    }

    /** The first check that fails, in words, or null when all pass: what a journalled verify list says is left. */
    protected static String firstFailure(NetnsExecutor ns, List<List<String>> checks) {
        for (List<String> check : checks) {
            NetnsCommand.Result r = ns.run(check);
            if (!r.ok()) return r.failure(check);
        }
        return null;
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return false;
        } catch (InterruptedException e) {
            return true; // remembered for the caller; the revert goes on
        }
    }

    private static String ms(long t0) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6);
    }
}
