package dev.faultline.sidecar.jvmcontrol;

import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.journal.Journal;
import java.time.Duration;
import java.util.List;

/**
 * One fault armed in one JVM for a command's duration. Journalled before the attach: the entry holds the JVM's host
 * pid and start time, never the connection's secret, because recovery needs none (the agent's {@code cmd=clear} by
 * a repeated attach). Its watchdog is the agent itself: the spec's {@code ttl} is no longer than the duration, so a
 * SIGKILLed sidecar's fault ends on time with no process of ours left running.
 */
public final class JvmChange extends Change {
    static final String RECORD = "jvm-clear";

    private final FoundJvm jvm;
    private final String spec;
    private final long since;
    private volatile String faultId;
    private volatile boolean clearedByAttach;
    /** A jvm clear started after the fault's command did: nothing was armed, and nothing is to undo. */
    private volatile boolean cancelled;

    /** @param since the fault command's {@link JvmSessions#mark()}: a clear after it keeps this fault from arming */
    public JvmChange(String id, FoundJvm jvm, String spec, long since, Journal journal) {
        super(id, jvm.containerId(), label(jvm), Journal.Kind.JVM, List.of(record(jvm)), List.of(), journal);
        this.jvm = jvm;
        this.spec = spec;
        this.since = since;
    }

    private JvmChange(Journal.Entry e, FoundJvm jvm, Journal journal) {
        super(e.id(), e.containerId(), label(jvm), Journal.Kind.JVM, e.revert(), e.verify(), journal);
        this.jvm = jvm;
        this.spec = null;
        this.since = Long.MAX_VALUE;
    }

    /** A fault a crashed sidecar armed, read back from its journal, to be cleared by a repeated attach. */
    public static Change adopt(Journal.Entry e, Journal journal) {
        return new JvmChange(e, fromRecord(e), journal).adopted();
    }

    private static String label(FoundJvm jvm) {
        return jvm.container() + "/pid" + jvm.hostPid();
    }

    static List<String> record(FoundJvm jvm) {
        return List.of(
                RECORD,
                Long.toString(jvm.hostPid()),
                Long.toString(jvm.startTicks()),
                Long.toString(jvm.nsPid()),
                Integer.toString(jvm.uid()),
                Integer.toString(jvm.gid()),
                jvm.container());
    }

    static FoundJvm fromRecord(Journal.Entry e) {
        List<String> r = e.revert().isEmpty() ? List.of() : e.revert().get(0);
        if (r.size() != 7 || !r.get(0).equals(RECORD))
            throw new IllegalStateException("journal entry " + e.id() + " is not a JVM record: " + r);
        return new FoundJvm(
                r.get(6),
                e.containerId(),
                Long.parseLong(r.get(1)),
                Long.parseLong(r.get(3)),
                Integer.parseInt(r.get(4)),
                Integer.parseInt(r.get(5)),
                Long.parseLong(r.get(2)),
                null,
                true,
                null);
    }

    /** The fault's id in the agent, once armed. */
    public String faultId() {
        return faultId;
    }

    @Override
    protected void make() {
        try {
            faultId = JvmSessions.arm(jvm, spec, since);
        } catch (JvmSessions.ClearedWhileArming e) {
            cancelled = true;
            throw e;
        }
    }

    @Override
    protected void undo() {
        if (cancelled) return;
        if (!ProcessStart.same(jvm.hostPid(), jvm.startTicks())) return; // the JVM is gone, and its faults with it
        JvmSessions.Session s = JvmSessions.existing(jvm.hostPid(), jvm.startTicks());
        if (s != null && faultId != null) {
            try {
                s.link.remove(faultId);
                return;
            } catch (RuntimeException lost) {
                JvmSessions.forget(s); // the connection is gone: the kill switch needs none
            }
        }
        JvmSessions.clearByAttach(jvm);
        clearedByAttach = true;
    }

    @Override
    protected String leftover() {
        if (!ProcessStart.same(jvm.hostPid(), jvm.startTicks())) return null;
        if (clearedByAttach || cancelled) return null; // the agent answered the attach, or nothing was armed
        JvmSessions.Session s = JvmSessions.existing(jvm.hostPid(), jvm.startTicks());
        if (s == null || faultId == null) return faultId == null && spec != null ? null : "not cleared yet";
        for (String line : s.link.list()) if (line.contains(faultId)) return "fault " + faultId + " still armed";
        return null;
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return () -> {}; // the agent's ttl is the watchdog
    }

    @Override
    protected String how() {
        return "attach+unix-jmx";
    }
}
