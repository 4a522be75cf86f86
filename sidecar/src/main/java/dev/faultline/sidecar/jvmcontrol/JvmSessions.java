package dev.faultline.sidecar.jvmcontrol;

import dev.faultline.sidecar.experiment.change.KillPoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVMs this sidecar attached to and the connection to each one's agent: a control directory made for it, a
 * secret generated for it and kept here only. One per JVM (pid and start time), made at the first {@code jvm fault}
 * that needs it; later faults in that JVM reuse the connection.
 */
public final class JvmSessions {
    private static final Logger log = LoggerFactory.getLogger("faultline.action");

    /** The agent's options for a control session: its unix-socket connector (agent option names, issue 23). */
    static final String UNIX_DIR_OPTION = "jmx.unix";

    /** The agent's kill switch, delivered by a repeated attach: disarms everything, needs no connection. */
    public static final String CLEAR_COMMAND = "cmd=clear";
    /** Stops the agent's unix connector: nothing of this sidecar's connection stays in the service. */
    static final String CLOSE_COMMAND = "cmd=close";

    private static volatile JvmAccess access;
    private static final Map<Key, Session> SESSIONS = new ConcurrentHashMap<>();
    /**
     * One lock per JVM, held while attaching and arming, and by a clear: a clear never runs beside an attach. Within
     * this process; {@link JvmLockFiles} orders this process's commands with other sidecar processes'.
     */
    private static final Map<Key, Object> LOCKS = new ConcurrentHashMap<>();
    /** The order of jvm commands: a fault and a clear each take a mark when they start. */
    private static final AtomicLong MARKS = new AtomicLong(Long.MIN_VALUE);
    /** Per JVM, the mark of the latest clear: a fault that started before it must not arm after it. */
    private static final Map<Key, Long> CLEARED = new ConcurrentHashMap<>();
    /** The same lock and clear marks across the sidecar processes of this host, beside the journal. */
    private static volatile JvmLockFiles files;

    private JvmSessions() {}

    /** How JVMs are found, attached and connected to: the sidecar's own attacher, made at the first jvm verb. */
    public static JvmAccess access() {
        JvmAccess a = access;
        if (a == null) access = a = new HotSpotJvms();
        return a;
    }

    record Key(long hostPid, long startTicks) {
        static Key of(FoundJvm jvm) {
            return new Key(jvm.hostPid(), jvm.startTicks());
        }
    }

    /** One attached JVM: where its connector is, and the connection. */
    static final class Session {
        final FoundJvm jvm;
        final ControlDirectory dir;
        final JvmAccess.AgentLink link;

        Session(FoundJvm jvm, ControlDirectory dir, JvmAccess.AgentLink link) {
            this.jvm = jvm;
            this.dir = dir;
            this.link = link;
        }

        void close() {
            try {
                link.close();
            } finally {
                dir.remove();
            }
        }
    }

    /**
     * Where a jvm command starts in the order of jvm commands: a fault's mark says which clears came after it. Marks
     * are {@link System#nanoTime()}, CLOCK_MONOTONIC on Linux, which every process of one host (of one time
     * namespace) reads alike: a mark of another sidecar process compares with ours. Strictly increasing here.
     */
    public static long mark() {
        return MARKS.updateAndGet(last -> Math.max(last + 1, System.nanoTime()));
    }

    private static JvmLockFiles files() {
        JvmLockFiles f = files;
        if (f == null) files = f = JvmLockFiles.ofThisSidecar();
        return f;
    }

    private static Object lock(FoundJvm jvm) {
        if (LOCKS.size() > KEPT) forgetEnded(); // a daemon that runs for months meets many JVMs
        return LOCKS.computeIfAbsent(Key.of(jvm), k -> new Object());
    }

    /** Beyond this many JVMs, the locks and clear marks of JVMs that have exited are dropped. */
    private static final int KEPT = 1024;

    private static void forgetEnded() {
        for (Key k : new ArrayList<>(LOCKS.keySet())) {
            if (ProcessStart.same(k.hostPid(), k.startTicks())) continue;
            LOCKS.remove(k);
            CLEARED.remove(k);
        }
        files().pruneEnded();
    }

    /** Thrown instead of arming: a {@code jvm clear} of the JVM started after the fault did. */
    static final class ClearedWhileArming extends IllegalStateException {
        ClearedWhileArming(FoundJvm jvm) {
            super("not armed in " + jvm.container() + " pid " + jvm.hostPid()
                    + ": a jvm clear of it started while this fault was attaching");
        }
    }

    /**
     * Arms {@code spec} in this JVM, attaching first if this sidecar has not, unless a clear of it (by this or another
     * sidecar process) started after {@code since}: checked before the attach and again, under the JVM's locks, before
     * the add, so that once a clear returns no fault that started before it is armed (a clear that took the locks
     * first finds our session and removes it, or, from another process, finds Faultline loaded and clears by attach).
     * @return the fault's id in the agent
     */
    static String arm(FoundJvm jvm, String spec, long since) {
        synchronized (lock(jvm)) {
            try (JvmLockFiles.Held held = files().hold(jvm, "jvm fault")) {
                AttachPause.reached();
                if (clearedSince(jvm, since)) throw new ClearedWhileArming(jvm);
                Session s = session(jvm);
                KillPoints.reached(KillPoints.FIRST_COMMAND);
                if (clearedSince(jvm, since)) throw new ClearedWhileArming(jvm);
                return s.link.add(spec);
            }
        }
    }

    private static boolean clearedSince(FoundJvm jvm, long since) {
        return CLEARED.getOrDefault(Key.of(jvm), Long.MIN_VALUE) > since || files().clearedAt(jvm) > since;
    }

    /**
     * The connection to this JVM's agent, attaching first if this sidecar has not: a fresh control directory, a
     * fresh secret, the agent jar the sidecar ships, options the sidecar builds (nothing of the caller's words).
     */
    static Session session(FoundJvm jvm) {
        Session s = SESSIONS.get(Key.of(jvm));
        if (s != null) return s;
        synchronized (lock(jvm)) {
            s = SESSIONS.get(Key.of(jvm));
            if (s != null) return s;
            String why = refusal(jvm);
            if (why != null) throw new IllegalStateException(jvm.container() + " pid " + jvm.hostPid() + ": " + why);
            AttachSecret secret = AttachSecret.generate();
            // the secret goes in a file of the directory, not in the options (JFR records those on JDK 22+)
            ControlDirectory dir =
                    ControlDirectory.create(ControlDirectory.rootOf(jvm.hostPid()), jvm.uid(), jvm.gid(), secret);
            long t0 = System.nanoTime();
            try {
                try {
                    access().attach(jvm, UNIX_DIR_OPTION + "=" + dir.inContainer());
                } finally {
                    dir.discardSecret();
                }
                JvmAccess.AgentLink link = access().connect(jvm, dir, secret);
                s = new Session(jvm, dir, link);
            } catch (RuntimeException e) {
                dir.remove();
                throw e;
            }
            SESSIONS.put(Key.of(jvm), s);
            log.info(
                    "action=attached container={} host_pid={} ns_pid={} uid={} dir={} attach_ms={}",
                    jvm.container(),
                    jvm.hostPid(),
                    jvm.nsPid(),
                    jvm.uid(),
                    dir.inContainer(),
                    (System.nanoTime() - t0) / 1_000_000);
            return s;
        }
    }

    /** Why a fault cannot be armed in this JVM, or null: checked for every JVM before any is attached. */
    public static String refusal(FoundJvm jvm) {
        if (existing(jvm.hostPid(), jvm.startTicks()) != null) return null;
        // Faultline loaded already (by -javaagent, or by a sidecar that has ended): the attach gives its agent this
        // sidecar's connector, replacing one the earlier sidecar left
        if (!jvm.attachable()) return jvm.refusal();
        return null;
    }

    /** The session of a JVM this sidecar attached to, or null. */
    static Session existing(long hostPid, long startTicks) {
        return SESSIONS.get(new Key(hostPid, startTicks));
    }

    /**
     * Disarms everything Faultline armed in this JVM: over our connection where we have one, else by a repeated
     * attach with the agent's {@code cmd=clear} (an agent loaded by {@code -javaagent} or another sidecar). A fault
     * still attaching, in this sidecar or another sidecar process of the host, is waited for and removed, or, if it
     * has not armed yet, refused.
     * @param mark the clear's own {@link #mark()}, taken when it started
     * @return how it was cleared, for the report
     */
    public static String clear(FoundJvm jvm, long mark) {
        CLEARED.merge(Key.of(jvm), mark, Math::max);
        try {
            files().cleared(jvm, mark); // before waiting: an attach in progress in another process sees it
        } catch (IllegalStateException e) {
            // the kill switch still clears; only its order with other sidecar processes is lost
            log.warn(
                    "action=clear container={} {}: not ordered with other sidecar processes",
                    jvm.container(),
                    e.getMessage());
        }
        synchronized (lock(jvm)) {
            try (JvmLockFiles.Held held = holdForClear(jvm)) {
                return clearNow(jvm);
            }
        }
    }

    /** The JVM's lock across processes for a clear; none (logged) when the directory cannot be used. */
    private static JvmLockFiles.Held holdForClear(FoundJvm jvm) {
        try {
            return files().hold(jvm, "jvm clear");
        } catch (JvmLockFiles.Busy e) {
            throw e; // another process has held it past any attach's deadlines: named, nothing done
        } catch (IllegalStateException e) {
            log.warn(
                    "action=clear container={} {}: not ordered with other sidecar processes",
                    jvm.container(),
                    e.getMessage());
            return () -> {};
        }
    }

    private static String clearNow(FoundJvm jvm) {
        Session s = existing(jvm.hostPid(), jvm.startTicks());
        if (s != null) {
            try {
                int n = s.link.clear();
                return "cleared " + n + " fault(s) over the connection";
            } catch (RuntimeException lost) {
                forget(s);
                log.warn(
                        "action=clear container={} connection lost ({}): clearing by attach",
                        jvm.container(),
                        lost.getMessage());
            }
        }
        // read again under the locks: another sidecar process may have attached since the JVM was found
        if (s == null && !jvm.faultlineLoaded() && !access().faultlineLoaded(jvm))
            return "Faultline not loaded: nothing to clear";
        access().attach(jvm, CLEAR_COMMAND);
        return "cleared by attach (cmd=clear)";
    }

    /** Clears by a repeated attach what a crashed sidecar armed in the JVM {@code hostPid} that started at {@code startTicks}. */
    static void clearByAttach(FoundJvm jvm) {
        access().attach(jvm, CLEAR_COMMAND);
    }

    static void forget(Session s) {
        SESSIONS.remove(Key.of(s.jvm), s);
        try {
            s.close();
        } catch (RuntimeException ignored) {
            // its JVM is gone, or the connection was
        }
    }

    /**
     * Ends every connection and removes the control directories, and stops the agents' connectors: the daemon's
     * shutdown and a command-line run's end, after their faults are cleared.
     */
    public static void closeAll() {
        for (Session s : new ArrayList<>(SESSIONS.values())) {
            forget(s);
            try {
                access().attach(s.jvm, CLOSE_COMMAND);
            } catch (RuntimeException gone) {
                // the JVM has exited, or another sidecar's connector replaced ours
            }
        }
    }

    /** The JVMs this sidecar is connected to, for list(). */
    public static List<String> attached() {
        List<String> out = new ArrayList<>();
        for (Session s : SESSIONS.values())
            out.add("attached " + s.jvm.container() + " host_pid=" + s.jvm.hostPid() + " dir=" + s.dir.inContainer());
        return out;
    }
}
