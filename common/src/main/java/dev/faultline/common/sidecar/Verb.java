package dev.faultline.common.sidecar;

import static dev.faultline.common.sidecar.Backend.CRI;
import static dev.faultline.common.sidecar.Backend.DOCKER;
import static dev.faultline.common.sidecar.Backend.POD;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The sidecar's verbs, in the order its help lists them: each one's word, the backends it acts through, and for a
 * verb whose change lasts, the words up to where its duration goes. The sidecar attaches its commands, journal kinds
 * and recovery to these by exhaustive switches; the CLI leases a command by them ({@link SidecarLease}).
 */
public enum Verb {
    KILL(Verb.KILL_WORD, EnumSet.of(DOCKER, CRI, POD), null),
    /**
     * Lasting with Pumba's {@code --restart} only (stopped for {@code --duration}, 10 s unless given, then started);
     * a lease's duration then bounds how long it stays stopped, and is ignored without {@code --restart}.
     */
    STOP(
            Verb.STOP_WORD,
            EnumSet.of(DOCKER, CRI),
            new Lasting(
                    List.of(
                            Option.valued("--time", "-t"),
                            Option.valued("--limit", "-l"),
                            Option.flag("--restart", "-r")),
                    List.of())),
    /** Its {@code --limit} is Pumba's: at most that many of the matches (the global one counts ticks). */
    PAUSE(Verb.PAUSE_WORD, EnumSet.of(DOCKER, CRI), new Lasting(List.of(Option.valued("--limit", "-l")), List.of())),
    /** CRI has no restart: kubelet restarts a pod's containers by its restartPolicy. */
    RESTART(Verb.RESTART_WORD, EnumSet.of(DOCKER), null),
    RM(Verb.RM_WORD, EnumSet.of(DOCKER, CRI), null),
    CRASH(Verb.CRASH_WORD, EnumSet.of(DOCKER, CRI, POD), null),
    /** Pumba's: a command run in the target through the runtime ({@code docker exec}, CRI ExecSync, Tasks.Exec). */
    EXEC(Verb.EXEC_WORD, EnumSet.of(DOCKER, CRI), null),
    /** Pumba's: stress-ng in the target's cgroup, run by the sidecar on the node (no image). */
    STRESS(
            Verb.STRESS_WORD,
            EnumSet.of(DOCKER, CRI),
            new Lasting(
                    List.of(
                            Option.valued("--stressors"),
                            Option.valued("--limit", "-l"),
                            Option.valued("--stress-image"),
                            Option.flag("--pull-image"),
                            Option.flag("--inject-cgroup")),
                    List.of())),
    NETEM(
            Verb.NETEM_WORD,
            EnumSet.allOf(Backend.class),
            new Lasting(
                    List.of(
                            Option.valued("--interface", "-i"),
                            Option.valued("--target", "-t"),
                            Option.flag("--ingress"),
                            Option.valued("--egress-port"),
                            Option.valued("--ingress-port"),
                            Option.valued("--limit", "-l"),
                            Option.valued("--tc-image"),
                            Option.booleanFlag("--pull-image")),
                    List.of(
                            Verb.DELAY_WORD,
                            Verb.LOSS_WORD,
                            Verb.LOSS_STATE_WORD,
                            Verb.LOSS_GEMODEL_WORD,
                            Verb.DUPLICATE_WORD,
                            Verb.CORRUPT_WORD,
                            Verb.RATE_WORD))),
    /** Its filters are Pumba's on the verb (the sidecar's on {@code loss} too: after the sub-verb, not read here). */
    IPTABLES(
            Verb.IPTABLES_WORD,
            EnumSet.allOf(Backend.class),
            new Lasting(
                    List.of(
                            Option.valued("--interface", "-i"),
                            Option.valued("--protocol", "-p"),
                            Option.valued("--source", "--src", "-s"),
                            Option.valued("--destination", "--dest"),
                            Option.valued("--src-port", "--sport"),
                            Option.valued("--dst-port", "--dport"),
                            Option.valued("--limit", "-l"),
                            Option.valued("--iptables-image"),
                            Option.booleanFlag("--pull-image")),
                    List.of(Verb.LOSS_WORD))),
    /**
     * The agent loaded into JVMs in the target containers and controlled by the sidecar: {@code jvm list},
     * {@code jvm --duration D fault "<spec>"} (its faults' ttl no longer than D), {@code jvm clear}.
     */
    JVM(
            Verb.JVM_WORD,
            EnumSet.of(DOCKER, CRI),
            new Lasting(List.of(), List.of(Verb.LIST_WORD, Verb.FAULT_WORD, Verb.CLEAR_WORD))),
    /** Runs the JMX daemon: it acts on no target itself. */
    DAEMON(Verb.DAEMON_WORD, EnumSet.noneOf(Backend.class), null);

    // Each word, written once: picocli's @Command names need compile-time constants, so the enum and the
    // annotations share these (the enum's arguments name them qualified: a forward reference otherwise).
    public static final String KILL_WORD = "kill";
    public static final String STOP_WORD = "stop";
    public static final String PAUSE_WORD = "pause";
    public static final String RESTART_WORD = "restart";
    public static final String RM_WORD = "rm";
    public static final String CRASH_WORD = "crash";
    public static final String EXEC_WORD = "exec";
    public static final String STRESS_WORD = "stress";
    public static final String NETEM_WORD = "netem";
    public static final String IPTABLES_WORD = "iptables";
    public static final String JVM_WORD = "jvm";
    public static final String DAEMON_WORD = "daemon";

    // the sub-verbs' words: netem's, and iptables' loss (the same word as netem's)
    public static final String DELAY_WORD = "delay";
    public static final String LOSS_WORD = "loss";
    public static final String LOSS_STATE_WORD = "loss-state";
    public static final String LOSS_GEMODEL_WORD = "loss-gemodel";
    public static final String DUPLICATE_WORD = "duplicate";
    public static final String CORRUPT_WORD = "corrupt";
    public static final String RATE_WORD = "rate";
    // jvm's
    public static final String LIST_WORD = "list";
    public static final String FAULT_WORD = "fault";
    public static final String CLEAR_WORD = "clear";

    /** A lasting verb's option for how long its change lasts: required, on the verb itself (before a sub-verb). */
    public static final String DURATION = "--duration";

    public static final String DURATION_SHORT = "-d";

    private final String word;
    private final Set<Backend> backends;
    private final Lasting lasting;

    Verb(String word, Set<Backend> backends, Lasting lasting) {
        this.word = word;
        this.backends = Collections.unmodifiableSet(backends);
        this.lasting = lasting;
    }

    public String word() {
        return word;
    }

    public boolean runsOn(Backend b) {
        return backends.contains(b);
    }

    public Set<Backend> backends() {
        return backends;
    }

    /** Its change lasts for a {@code --duration}, then is reverted; the others act once. */
    public boolean lasting() {
        return lasting != null;
    }

    /**
     * A lasting verb's own options (its duration, picocli's help and version flags among them), as read between the
     * verb and its sub-verb or targets; empty for a verb that acts once (nothing after it needs reading).
     */
    public List<Option> options() {
        if (lasting == null) return List.of();
        List<Option> all = new ArrayList<>(List.of(Option.valued(DURATION, DURATION_SHORT)));
        all.addAll(lasting.options);
        all.addAll(List.of(Option.flag("-h", "--help"), Option.flag("-V", "--version")));
        return all;
    }

    /** A lasting verb's sub-verbs (netem's delay …): its own options end at one of them. */
    public List<String> subverbs() {
        return lasting == null ? List.of() : lasting.subverbs;
    }

    /** The verb this word names, or null. */
    public static Verb named(String word) {
        for (Verb v : values()) if (v.word.equals(word)) return v;
        return null;
    }

    public static List<String> words() {
        List<String> out = new ArrayList<>();
        for (Verb v : values()) out.add(v.word);
        return out;
    }

    private record Lasting(List<Option> options, List<String> subverbs) {}
}
