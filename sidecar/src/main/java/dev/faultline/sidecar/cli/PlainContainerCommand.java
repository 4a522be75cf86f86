package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.journal.Journal;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command line's fast path: a plain container verb ({@code kill}, {@code stop}, {@code pause}, {@code restart},
 * {@code rm}, {@code crash}) parsed without picocli, whose model costs a start-up more than the verb's own work
 * (picocli's Java 5 classes cannot be archived by CDS). It knows exactly the words written out below, each spelled
 * in full with its value as the next word, and declines (empty) everything else: help, a version request, an unknown,
 * repeated or {@code --opt=value} word, a value picocli might read differently, one its converters or setters refuse.
 * picocli then parses the words as always, so every error and every help text stays picocli's. What it yields is
 * the objects picocli would have filled, field for field (PlainContainerCommandTest holds the two to it).
 */
public final class PlainContainerCommand {
    /** SidecarCli's verbs: as a target word picocli would read one as a subcommand, so such a line is declined. */
    private static final Set<String> ALL_VERBS = SidecarCli.verbNames();

    private PlainContainerCommand() {}

    /** Main's fast path: the exit code of the plain container verb these words name, or -1: let picocli parse them. */
    public static int runIfPlain(Runner runner, Journal journal, String[] args) {
        Optional<TargetedCommand> verb = parse(runner, args);
        if (verb.isEmpty()) return -1;
        StartupRecovery.warnIfPodModeAsPid1();
        return execute(journal, verb.get());
    }

    /**
     * Runs the verb as picocli's {@code execute} does under Main's execution strategy: recovery first, then the
     * verb; an exception is one {@code error: } line and exit code 1 (SidecarCli's execution exception handler).
     */
    static int execute(Journal journal, TargetedCommand verb) {
        StartupRecovery.atStart(journal, verb.cli());
        return call(verb, new PrintWriter(System.err, true));
    }

    /** {@code verb.call()} as picocli's {@code execute} runs it: an exception is one {@code error: } line and exit code 1 (SidecarCli's handler). */
    private static int call(TargetedCommand verb, PrintWriter err) {
        try {
            Integer rc = verb.call();
            return rc == null ? 0 : rc;
        } catch (Exception e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** The verb, with its parent {@link SidecarCli} filled in, or empty: then picocli parses. */
    static Optional<TargetedCommand> parse(Runner runner, String[] args) {
        try {
            return Optional.ofNullable(parseOrNull(runner, args));
        } catch (IllegalArgumentException | ArithmeticException refusedByAConverter) {
            return Optional.empty();
        }
    }

    private static TargetedCommand parseOrNull(Runner runner, String[] args) {
        SidecarCli cli = new SidecarCli(runner);
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (; i < args.length; i++) {
            String w = args[i];
            if (!w.startsWith("-")) break;
            if (!seen.add(w) && !w.equals("--label") && !w.equals("--namespace"))
                return null; // picocli refuses a repeat
            switch (w) {
                case "--random" -> cli.random = true;
                case "--dry-run" -> cli.dryRun = true;
                case "--pod" -> cli.pod = true;
                case "--interval" -> {
                    Duration d = Durations.parse(value(args, ++i)); // SidecarCli.DurationConverter's conversion
                    if (d.toMillis() < 100) return null; // SidecarCli.interval refuses it
                    cli.interval = d;
                }
                case "--limit" -> {
                    int n = plainInt(value(args, ++i));
                    cli.limit = n;
                }
                case "--label" -> {
                    String kv = value(args, ++i);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) return null;
                    if (cli.labels == null) cli.labels = new LinkedHashMap<>();
                    cli.labels.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--namespace" -> {
                    if (cli.namespaces == null) cli.namespaces = new ArrayList<>();
                    cli.namespaces.add(value(args, ++i));
                }
                case "--runtime" -> cli.runtimeKind = value(args, ++i);
                case "--runtime-endpoint" -> cli.runtimeEndpoint = value(args, ++i);
                default -> {
                    return null;
                }
            }
        }
        if (i == args.length) return null;
        TargetedCommand verb = verb(cli, args[i]);
        if (verb == null) return null;
        seen.clear();
        List<String> targets = new ArrayList<>();
        for (i++; i < args.length; i++) {
            String w = args[i];
            if (!w.startsWith("-")) {
                if (ALL_VERBS.contains(w) || w.indexOf('"') >= 0 || w.indexOf('\'') >= 0) return null;
                targets.add(w);
                continue;
            }
            if (!seen.add(canonicalOption(w))) return null;
            i = option(verb, w, args, i);
            if (i < 0) return null;
        }
        if (verb instanceof ContainerVerbs.Pause p && p.duration == null)
            return null; // picocli parses; the plan refuses
        verb.targets = targets.isEmpty() ? null : targets;
        return verb;
    }

    /** The verb's command with picocli's defaults (ContainerVerbs' constants); null for a verb picocli parses. */
    private static TargetedCommand verb(SidecarCli cli, String word) {
        Verb verb = Verb.named(word);
        if (verb == null) return null;
        return switch (verb) {
            case KILL -> {
                ContainerVerbs.Kill k = new ContainerVerbs.Kill();
                k.cli = cli;
                k.signal = ContainerVerbs.DEFAULT_SIGNAL;
                yield k;
            }
            case CRASH -> {
                ContainerVerbs.Crash c = new ContainerVerbs.Crash();
                c.cli = cli;
                c.signal = ContainerVerbs.DEFAULT_SIGNAL;
                yield c;
            }
            case STOP -> {
                ContainerVerbs.Stop s = new ContainerVerbs.Stop();
                s.cli = cli;
                s.time = ContainerVerbs.DEFAULT_TIME;
                yield s;
            }
            case RESTART -> {
                ContainerVerbs.Restart r = new ContainerVerbs.Restart();
                r.cli = cli;
                r.time = ContainerVerbs.DEFAULT_TIME;
                yield r;
            }
            case PAUSE -> {
                ContainerVerbs.Pause p = new ContainerVerbs.Pause();
                p.cli = cli;
                yield p;
            }
            case RM -> {
                ContainerVerbs.Remove r = new ContainerVerbs.Remove();
                r.cli = cli;
                r.force = ContainerVerbs.DEFAULT_FORCE;
                yield r;
            }
            case NETEM, IPTABLES, JVM, EXEC, STRESS, DAEMON -> null; // sub-verbs, no targets, or words picocli reads
        };
    }

    /** The long name of a verb's option, so that {@code -s} after {@code --signal} counts as a repeat. */
    private static String canonicalOption(String w) {
        return switch (w) {
            case "-s" -> "--signal";
            case "-t" -> "--time";
            case "-d" -> "--duration";
            case "-f" -> "--force";
            case "-v" -> "--volumes";
            default -> w;
        };
    }

    /** One of the verb's options at {@code args[i]}: the index of its last word, or -1 for a word it does not know. */
    private static int option(TargetedCommand verb, String w, String[] args, int i) {
        String o = canonicalOption(w);
        if (verb instanceof ContainerVerbs.Kill k && o.equals("--signal")) k.signal = value(args, ++i);
        else if (verb instanceof ContainerVerbs.Crash c && o.equals("--signal")) c.signal = value(args, ++i);
        else if (verb instanceof ContainerVerbs.Stop s && o.equals("--time")) s.time = plainInt(value(args, ++i));
        else if (verb instanceof ContainerVerbs.Restart r && o.equals("--time")) r.time = plainInt(value(args, ++i));
        else if (verb instanceof ContainerVerbs.Pause p && o.equals("--duration"))
            p.duration = Durations.parse(value(args, ++i));
        else if (verb instanceof ContainerVerbs.Remove r && o.equals("--force")) {
            // arity 0..1: picocli would take a following true/false as the option's value
            if (i + 1 < args.length && (args[i + 1].equalsIgnoreCase("true") || args[i + 1].equalsIgnoreCase("false")))
                return -1;
            r.force = true;
        } else if (verb instanceof ContainerVerbs.Remove r && o.equals("--volumes")) r.volumes = true;
        else return -1;
        return i;
    }

    /**
     * An option's value: present, not a word picocli could take for an option, a verb or a quoted string. Anything
     * else is declined by throwing, which {@link #parse} turns into empty.
     */
    private static String value(String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException("no value");
        String v = args[i];
        if (v.isEmpty()
                || v.startsWith("-")
                || v.startsWith("@")
                || ALL_VERBS.contains(v)
                || v.indexOf('"') >= 0
                || v.indexOf('\'') >= 0) throw new IllegalArgumentException("not a plain value");
        return v;
    }

    /** A decimal int both picocli's converter and any reading of it agree on: no sign, no leading zero, no radix. */
    private static int plainInt(String v) {
        boolean plain = !v.isEmpty() && v.length() <= 9 && (v.equals("0") || v.charAt(0) != '0');
        for (int i = 0; plain && i < v.length(); i++) plain = v.charAt(i) >= '0' && v.charAt(i) <= '9';
        if (!plain) throw new IllegalArgumentException("not a plain int");
        return Integer.parseInt(v);
    }
}
