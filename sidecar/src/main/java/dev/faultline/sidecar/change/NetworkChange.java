package dev.faultline.sidecar.change;

import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.netem.ChangePlan;
import dev.faultline.sidecar.netem.NetnsExecutor;
import dev.faultline.sidecar.target.ContainerTarget;

import java.time.Duration;
import java.util.List;

/**
 * tc, ip or iptables commands in one target's network namespace. Reverts delete only what carries our handle or
 * tag; the plan's verify commands, run in the same namespace, prove nothing of it is left.
 */
public final class NetworkChange extends Change {
    private final NetnsExecutor ns;
    private final ChangePlan plan;

    public NetworkChange(String id, ContainerTarget target, NetnsExecutor ns, ChangePlan plan, Journal journal) {
        this(id, target.id(), target.toString(), ns, plan, journal);
    }

    private NetworkChange(String id, String targetId, String label, NetnsExecutor ns, ChangePlan plan, Journal journal) {
        super(id, targetId, label, Journal.Kind.NETWORK, plan.revert(), plan.verify(), journal);
        this.ns = ns;
        this.plan = plan;
    }

    /** A network change read back from a crashed sidecar's journal, to be reverted. */
    public static Change adopt(Journal.Entry e, NetnsExecutor ns, Journal journal) {
        return new NetworkChange(e.id(), e.containerId(), e.containerId(), ns, new ChangePlan(List.of(), e.revert(), e.verify()), journal).adopted();
    }

    @Override
    protected void make() {
        for (int i = 0; i < plan.apply().size(); i++) {
            ns.check(plan.apply().get(i));
            if (i == 0) KillPoints.reached(KillPoints.FIRST_COMMAND);
        }
    }

    @Override
    protected void undo() {
        if (ns.namespaceGone()) return;
        for (List<String> cmd : plan.revert()) ns.run(cmd);
    }

    @Override
    protected String leftover() {
        if (ns.namespaceGone()) return null; // and every piece of the change with it
        return firstFailure(ns, plan.verify());
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return ns.watchdog(id(), after, plan.revert());
    }

    @Override
    protected String how() {
        return ns.how();
    }
}
