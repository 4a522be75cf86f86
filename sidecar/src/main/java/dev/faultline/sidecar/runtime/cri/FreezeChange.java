package dev.faultline.sidecar.runtime.cri;

import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.time.Duration;
import java.util.List;

/**
 * Pause on CRI: the container's cgroup frozen. The journal keeps the thaw and its check as shell commands on the
 * host's freezer file, so the watchdog's shell and a later start undo it with no runtime and no JVM; this JVM
 * undoes it the same way, so there is one thaw, not two.
 */
public final class FreezeChange extends Change {
    /** how long the kernel may take to freeze every task (a task in an uninterruptible sleep holds it) */
    private static final Duration FREEZE_WITHIN = Duration.ofSeconds(5);
    /** the freezer files are the host's: commands run where we are, no namespace entered */
    private static final NetnsExecutor HOST = NetnsExecutor.nsenter(0);

    private final CgroupFreezer freezer;
    private final List<List<String>> revert;
    private final List<List<String>> verify;

    public FreezeChange(String id, ContainerTarget target, CgroupFreezer freezer, Journal journal) {
        this(
                id,
                target.id(),
                target.toString(),
                freezer,
                List.of(freezer.thawArgv()),
                List.of(freezer.thawedArgv()),
                journal);
    }

    private FreezeChange(
            String id,
            String targetId,
            String label,
            CgroupFreezer freezer,
            List<List<String>> revert,
            List<List<String>> verify,
            Journal journal) {
        super(id, targetId, label, Journal.Kind.FREEZE, revert, verify, journal);
        this.freezer = freezer;
        this.revert = revert;
        this.verify = verify;
    }

    /** A freeze read back from a crashed sidecar's journal, to be thawed. */
    public static Change adopt(Journal.Entry e, Journal journal) {
        return new FreezeChange(e.id(), e.containerId(), e.containerId(), null, e.revert(), e.verify(), journal)
                .adopted();
    }

    @Override
    protected void make() {
        freezer.freeze(FREEZE_WITHIN);
        KillPoints.reached(KillPoints.FIRST_COMMAND);
    }

    @Override
    protected void undo() {
        for (List<String> cmd : revert) HOST.run(cmd);
    }

    @Override
    protected String leftover() {
        return firstFailure(HOST, verify);
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return HOST.watchdog(id(), after, revert);
    }

    @Override
    protected String how() {
        return freezer == null ? "cgroup freezer" : freezer.toString();
    }
}
