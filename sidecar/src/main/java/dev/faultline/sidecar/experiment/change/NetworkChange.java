package dev.faultline.sidecar.experiment.change;

import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.ChangePlan;
import dev.faultline.sidecar.network.NetnsCommand;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.targets.Target;
import java.time.Duration;
import java.util.List;

/**
 * tc, ip or iptables commands in one target's network namespace. Reverts delete only what carries our handle or
 * tag; the plan's verify commands, run in the same namespace, prove nothing of it is left. The journal and the
 * watchdog keep the commands one by one; here each list runs as one {@link NetnsExecutor#revertThenCheck}.
 */
public final class NetworkChange extends Change {
    private final NetnsExecutor ns;
    private final ChangePlan plan;

    public NetworkChange(String id, Target target, NetnsExecutor ns, ChangePlan plan, Journal journal) {
        this(id, target.id(), target.toString(), ns, plan, journal);
    }

    private NetworkChange(
            String id, String targetId, String label, NetnsExecutor ns, ChangePlan plan, Journal journal) {
        super(id, targetId, label, Journal.Kind.NETWORK, plan.revert(), plan.verify(), journal);
        this.ns = ns;
        this.plan = plan;
    }

    /** A network change read back from a crashed sidecar's journal, to be reverted. */
    public static Change adopt(Journal.Entry e, NetnsExecutor ns, Journal journal) {
        return new NetworkChange(
                        e.id(),
                        e.containerId(),
                        e.containerId(),
                        ns,
                        new ChangePlan(List.of(), e.revert(), e.verify()),
                        journal)
                .adopted();
    }

    @Override
    protected void make() {
        for (int i = 0; i < plan.apply().size(); i++) {
            ns.check(plan.apply().get(i));
            if (i == 0) KillPoints.reached(KillPoints.FIRST_COMMAND);
        }
    }

    /** what the check right after the last undo found, or null when it has not run (the namespace was gone) */
    private NetnsCommand.Result checkedAfterUndo;

    /**
     * The revert commands and then the check in one go ({@link NetnsExecutor#revertThenCheck}: the namespace's open
     * shell, or one helper container). {@link #leftover()} reads what that check found.
     */
    @Override
    protected void undo() {
        checkedAfterUndo = null;
        if (ns.namespaceGone()) return;
        checkedAfterUndo = ns.revertThenCheck(plan.revert(), plan.verify());
    }

    @Override
    protected String leftover() {
        NetnsCommand.Result r = checkedAfterUndo;
        checkedAfterUndo = null;
        if (ns.namespaceGone()) return null; // and every piece of the change with it
        if (r == null) r = ns.checkAll(plan.verify());
        if (r.ok()) return null;
        return r.output().isEmpty() ? "the check failed (" + r.exitCode() + ")" : r.output();
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return ns.watchdog(id(), after, plan.revert());
    }

    /** The namespace's shell ends with the change, not with the sidecar. */
    @Override
    protected void closed() {
        ns.close();
    }

    @Override
    protected String how() {
        return ns.how();
    }
}
