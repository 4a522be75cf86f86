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
    KILL("kill", EnumSet.of(DOCKER, CRI, POD), null),
    STOP("stop", EnumSet.of(DOCKER, CRI), null),
    PAUSE("pause", EnumSet.of(DOCKER, CRI), new Lasting(List.of(), List.of())),
    /** CRI has no restart: kubelet restarts a pod's containers by its restartPolicy. */
    RESTART("restart", EnumSet.of(DOCKER), null),
    RM("rm", EnumSet.of(DOCKER, CRI), null),
    CRASH("crash", EnumSet.of(DOCKER, CRI, POD), null),
    NETEM(
            "netem",
            EnumSet.allOf(Backend.class),
            new Lasting(
                    List.of(
                            Option.valued("--interface", "-i"),
                            Option.valued("--target", "-t"),
                            Option.flag("--ingress")),
                    List.of("delay", "loss", "duplicate", "corrupt", "rate"))),
    IPTABLES("iptables", EnumSet.allOf(Backend.class), new Lasting(List.of(), List.of("loss"))),
    /** Runs the JMX daemon: it acts on no target itself. */
    DAEMON("daemon", EnumSet.noneOf(Backend.class), null);

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
