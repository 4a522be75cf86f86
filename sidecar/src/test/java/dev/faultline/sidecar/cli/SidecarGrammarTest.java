package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.faultline.common.sidecar.Backend;
import dev.faultline.common.sidecar.GlobalOptions;
import dev.faultline.common.sidecar.Option;
import dev.faultline.common.sidecar.SidecarLease;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.journal.Journal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The grammar common holds for the CLI ({@link GlobalOptions}, {@link Verb}) is SidecarCli's, read from picocli's own
 * model; and a command leased by it ({@link SidecarLease}), parsed by SidecarCli's real parser, lasts no longer than
 * the lease, for every verb and every option before it, each spelling of the duration and of an option's value.
 */
class SidecarGrammarTest {
    static final Duration LEASE = Duration.ofSeconds(90);

    /** A value picocli takes for each option before the verb; a new one gets "x" (this test fails if refused). */
    static final Map<String, String> SAMPLE = Map.of(
            GlobalOptions.INTERVAL,
            "1s",
            GlobalOptions.LIMIT,
            "2",
            GlobalOptions.LABEL,
            "app=x",
            GlobalOptions.NAMESPACE,
            "prod",
            GlobalOptions.RUNTIME,
            "cri",
            GlobalOptions.RUNTIME_ENDPOINT,
            "unix:///run/containerd/containerd.sock",
            GlobalOptions.LOG_LEVEL,
            "debug");

    /** Pumba's exec and stress, beside the others (Map.of takes at most ten). */
    private static Map<Verb, List<String>> tails() {
        Map<Verb, List<String>> all = new HashMap<>(FIRST_TAILS);
        all.putAll(Map.of(
                Verb.EXEC, List.of("@D --command touch --args /x app", "@D -s true -a x -a y -l 1 re2:^a"),
                Verb.STRESS,
                        List.of(
                                "@D --stressors=--cpu app",
                                "--stressors=--cpu @D -l 1 --pull-image --stress-image img --inject-cgroup app")));
        return all;
    }

    private static final Map<Verb, List<String>> FIRST_TAILS = Map.of(
            Verb.KILL, List.of("@D app", "@D --signal SIGTERM re2:^a", "@D --limit 1 re2:^a"),
            Verb.STOP, List.of("@D -t 5 app", "@D -l 2 app", "@D --restart -t 1 app"),
            Verb.PAUSE, List.of("@D app", "app @D", "@D -- app", "--limit 1 @D re2:^a", "@D -l 2 app", "-l=1 @D app"),
            Verb.RESTART, List.of("@D app", "@D --limit 1 app"),
            Verb.RM, List.of("@D -f app", "@D --limit 1 -f app"),
            Verb.CRASH, List.of("@D -s SIGTERM app"),
            Verb.NETEM,
                    List.of(
                            "@D rate --rate 1mbit app",
                            "-i eth0 @D -t 10.0.0.0/8 --ingress delay --time 100 app",
                            "-ieth1 @D --target=10.0.0.0/8 delay -t 100 app",
                            "--interface=eth0 @D loss --percent 5 app",
                            "--tc-image img --pull-image=false @D --egress-port 80,443 -l 1 loss-state --p13 5 app",
                            "--pull-image @D --ingress-port=443 loss-gemodel -p 5 app",
                            "@D rate --packetoverhead 20 --cellsize 48 app"),
            Verb.IPTABLES,
                    List.of(
                            "@D loss --probability 0.5 -d 10.0.0.1 app",
                            "@D loss --every 2 --dst-port 9 -s 10.0.0.2 app",
                            "--source 10.0.0.1 @D --dest 10.0.0.2 loss --mode random --probability 1.0 app",
                            "-i eth0 -p tcp @D --dst-port 80,443 loss --mode nth --every 3 --packet 1 app",
                            "--src 10.0.0.0/8 -s 10.1.0.0/16 --sport=53 -pudp @D loss --every 2 app",
                            "--destination=10.0.0.9 @D --interface=eth1 loss --every 2 --dest 10.0.0.8 app",
                            "--iptables-image img --pull-image=false -l 2 @D loss --every 2 app"),
            Verb.JVM, List.of("@D list app", "@D fault hang app", "@D clear re2:^a", "@D list --json app"),
            Verb.DAEMON, List.of("@D --jmx-port 9011"));

    /** Each verb's words after it; {@code @D} is where a duration goes, if any (a verb with none here fails). */
    static final Map<Verb, List<String>> TAILS = tails();

    /** How a duration may be written, longer than the lease; and one shorter than it, which stays. */
    static final List<String> DURATIONS =
            List.of("", "--duration 1h", "--duration=1h", "-d 1h", "-d1h", "-d=1h", "-d 10m", "--duration 30s");

    static CommandSpec sidecar() {
        return SidecarCli.commandLine(null).getCommandSpec();
    }

    static Map<Set<String>, Boolean> picocliOptions(CommandSpec spec) {
        Map<Set<String>, Boolean> out = new HashMap<>();
        for (OptionSpec o : spec.options()) {
            // a flag whose value, if any, is in its own word (Pumba's --pull-image=false) is modelled as a flag;
            // picocli takes a next word only if it is true or false, which no container name here is
            boolean attachedOnly = o.arity().min() == 0 && o.arity().max() == 1 && o.type() == Boolean.class;
            if (!attachedOnly)
                assertEquals(o.arity().min(), o.arity().max(), o.longestName() + ": one arity, a value or none");
            assertTrue(o.arity().max() <= 1, o.longestName() + ": at most one value");
            out.put(Set.of(o.names()), !attachedOnly && o.arity().max() == 1);
        }
        return out;
    }

    static Map<Set<String>, Boolean> modelOptions(List<Option> options) {
        Map<Set<String>, Boolean> out = new HashMap<>();
        for (Option o : options) out.put(Set.copyOf(o.names()), o.valued());
        return out;
    }

    @Test
    void theOptionsBeforeTheVerbAreSidecarClis() {
        assertEquals(picocliOptions(sidecar()), modelOptions(GlobalOptions.ALL));
    }

    @Test
    void theVerbsAreSidecarClisAndTheLastingOnesTakeTheirDurationBeforeAnySubVerb() {
        Map<String, CommandLine> verbs = sidecar().subcommands();
        assertEquals(Verb.words(), new ArrayList<>(verbs.keySet()), "the same verbs, in the help's order");
        Set<Verb> lasting = EnumSet.noneOf(Verb.class);
        for (Verb v : Verb.values()) {
            CommandSpec spec = verbs.get(v.word()).getCommandSpec();
            OptionSpec duration = spec.findOption(Verb.DURATION);
            if (duration != null) {
                lasting.add(v);
                // required where the plan is made (Durations.required), not by picocli, which would refuse a
                // sub-verb's --help for it; theDurationIsRequiredWhereTheChangeLasts checks the refusal
                assertTrue(!duration.required(), v + ": its duration is checked when planned");
                assertEquals(Set.of(Verb.DURATION, Verb.DURATION_SHORT), Set.of(duration.names()), v.word());
                assertEquals(picocliOptions(spec), modelOptions(v.options()), v + ": its own options");
                assertEquals(new ArrayList<>(spec.subcommands().keySet()), v.subverbs(), v + ": its sub-verbs");
            }
            for (CommandSpec leaf : leaves(spec)) {
                if (leaf.userObject() instanceof TargetedCommand t) {
                    assertEquals(v, t.verb(), leaf.qualifiedName());
                }
            }
        }
        assertEquals(lasting, Arrays.stream(Verb.values()).filter(Verb::lasting).collect(Collectors.toSet()));
    }

    /** A lasting verb without its duration is refused with Pumba's words; its help is help. */
    @Test
    void theDurationIsRequiredWhereTheChangeLastsAndHelpIsHelp() {
        for (String line : List.of(
                "--runtime docker pause app",
                "--runtime docker netem delay --time 100 app",
                "--runtime docker netem rate --rate 1mbit app",
                "--runtime docker iptables loss --probability 0.5 app")) {
            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class,
                    () -> ExperimentPlanTest.plan(split(line).toArray(String[]::new)),
                    line);
            assertEquals(Durations.MISSING, refused.getMessage(), line);
            assertTrue(refused.getMessage().startsWith("unset or invalid duration value"), "Pumba's words");
        }
        for (String line : List.of("netem delay --help", "iptables loss --help", "pause --help", "netem --help")) {
            CommandLine.ParseResult r =
                    SidecarCli.commandLine(null).parseArgs(split(line).toArray(String[]::new));
            while (r.hasSubcommand()) r = r.subcommand();
            assertTrue(r.isUsageHelpRequested(), line);
        }
    }

    static List<CommandSpec> leaves(CommandSpec spec) {
        if (spec.subcommands().isEmpty()) return List.of(spec);
        List<CommandSpec> out = new ArrayList<>();
        for (CommandLine sub : spec.subcommands().values()) out.addAll(leaves(sub.getCommandSpec()));
        return out;
    }

    /** Journalled exactly when it lasts: a SIGKILLed sidecar's lasting change is recovered from its journal kind. */
    @Test
    void aLastingVerbHasAJournalKindAndEveryKindAVerb() {
        Set<Journal.Kind> kinds = EnumSet.noneOf(Journal.Kind.class);
        for (Verb v : Verb.values()) {
            assertEquals(v.lasting(), !Journal.Kind.of(v).isEmpty(), v.word());
            kinds.addAll(Journal.Kind.of(v));
        }
        assertEquals(EnumSet.allOf(Journal.Kind.class), kinds);
    }

    /** The pod-mode refusal names exactly the verbs that run in pod mode. */
    @Test
    void podModesAdviceNamesThePodVerbs() {
        Set<String> named = new HashSet<>();
        for (String w : Scheduler.POD_VERBS.split("[ ,()]+")) if (Verb.named(w) != null) named.add(w);
        Set<String> pod = new HashSet<>();
        for (Verb v : Verb.values()) if (v.runsOn(Backend.POD)) pod.add(v.word());
        assertEquals(pod, named);
        // derived from Verb, it still reads as it always did
        assertEquals("in pod mode use crash, kill (both signal a process), netem or iptables", Scheduler.POD_VERBS);
    }

    @Test
    void everyVerbUnderEveryOptionBeforeItIsLeasedAsSidecarCliReadsIt() {
        int lines = 0;
        for (Option global : GlobalOptions.ALL) {
            String name = global.names().get(global.names().size() - 1);
            if (name.equals("--help") || name.equals("--version")) continue; // they run no verb
            List<List<String>> spellings = new ArrayList<>();
            if (global.valued()) {
                String value = SAMPLE.getOrDefault(name, "x");
                spellings.add(List.of(name, value));
                spellings.add(List.of(name + "=" + value));
            } else {
                spellings.add(List.of(name));
            }
            for (List<String> before : spellings) {
                for (Verb v : Verb.values()) {
                    List<String> tails = TAILS.get(v);
                    if (tails == null) fail("no words for the verb " + v.word() + " in TAILS: add a line");
                    for (String tail : tails) {
                        for (String d : v.lasting() ? DURATIONS : List.of("")) {
                            List<String> words = new ArrayList<>(before);
                            if (name.equals(GlobalOptions.INTERVAL)) words.addAll(List.of(GlobalOptions.LIMIT, "2"));
                            words.add(v.word());
                            words.addAll(split(tail.replace("@D", d)));
                            check(words, v, name);
                            lines++;
                        }
                    }
                }
            }
        }
        System.out.println("leased and parsed by SidecarCli: " + lines + " command lines");
    }

    /** The issue's own examples, spelled out. */
    @Test
    void theReviewsExamples() {
        check(split("--namespace prod netem --duration 1h rate --rate 1mbit app"), Verb.NETEM, GlobalOptions.NAMESPACE);
        check(split("netem -d 1h delay --time 100 app"), Verb.NETEM, null);
        check(split("--runtime cri netem rate --rate 1mbit ns/pod/c"), Verb.NETEM, GlobalOptions.RUNTIME);
        check(
                split(
                        "--runtime-endpoint unix:///run/c.sock --label a=b iptables -d 2h loss -d 10.0.0.1 --every 2 app"),
                Verb.IPTABLES,
                GlobalOptions.LABEL);
        assertEquals(
                split("--namespace prod netem --duration 90s rate --rate 1mbit app"),
                SidecarLease.apply(split("--namespace prod netem --duration 1h rate --rate 1mbit app"), LEASE));
        assertEquals(split("netem -d 90s delay app"), SidecarLease.apply(split("netem -d 1h delay app"), LEASE));
        assertEquals(split("pause --duration 90s app"), SidecarLease.apply(split("pause app"), LEASE));
    }

    @Test
    void aRepeatingCommandWithoutALimitAndWordsTheGrammarDoesNotKnowAreRefused() {
        for (String line : List.of(
                "--interval 1s kill app",
                "--interval=1s pause app",
                "--random --interval 1s netem rate --rate 1mbit app",
                "--frobnicate netem rate --rate 1mbit app",
                "frobnicate app",
                "netem --frobnicate 1 rate --rate 1mbit app",
                "pause --duration 1x app")) {
            assertThrows(IllegalArgumentException.class, () -> SidecarLease.apply(split(line), LEASE), line);
        }
    }

    /** Where the lease finds no verb, SidecarCli runs none either: nothing goes out unleased. */
    @Test
    void wordsWithNoVerbForTheLeaseRunNoVerb() {
        for (String line : List.of(
                "-- netem --duration 1h rate --rate 1mbit app", "--random -- pause --duration 1h app", "--dry-run")) {
            List<String> words = split(line);
            assertEquals(words, SidecarLease.apply(words, LEASE), line);
            assertEquals(null, SidecarLease.read(words).verb(), line);
            try {
                CommandLine.ParseResult parsed = SidecarCli.commandLine(null).parseArgs(words.toArray(String[]::new));
                assertTrue(!parsed.hasSubcommand(), "SidecarCli runs a verb in " + line);
            } catch (CommandLine.PicocliException refused) {
                // refused: nothing runs
            }
        }
    }

    /** Leased, then parsed by SidecarCli: the verb and the option before it as given, lasting at most the lease. */
    static void check(List<String> words, Verb v, String global) {
        List<String> leased = SidecarLease.apply(words, LEASE);
        String[] args = leased.toArray(String[]::new);
        CommandLine.ParseResult parsed;
        try {
            // the model Main parses these words with: the verbs they name (all of them if that refuses), not every
            // verb's model built by reflection for each of ~6000 lines (33 s in CI)
            parsed = SidecarCli.commandLine(null, args).parseArgs(args);
        } catch (CommandLine.PicocliException e) {
            throw new AssertionError(
                    "SidecarCli refuses " + leased + " (leased from " + words + "): " + e.getMessage(), e);
        }
        if (global != null) {
            assertTrue(parsed.hasMatchedOption(global), global + " read as an option before the verb: " + leased);
        }
        CommandLine.ParseResult verb = parsed.subcommand();
        assertNotNull(verb, "a verb in " + leased);
        assertEquals(v.word(), verb.commandSpec().name(), String.join(" ", leased));
        if (!v.lasting()) {
            assertEquals(words, leased, "a verb that acts once is left as it is");
            return;
        }
        Duration d = verb.matchedOptionValue(Verb.DURATION, null);
        assertNotNull(d, "a duration on " + leased);
        assertTrue(d.compareTo(LEASE) <= 0, "no longer than the lease: " + d + " in " + leased);
        if (words.contains("30s")) assertEquals(Duration.ofSeconds(30), d, "a shorter duration stays: " + leased);
        assertEquals(d, SidecarLease.read(leased).lasts(), "the lease reads back what the sidecar runs: " + leased);
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        for (String w : line.trim().split(" +")) if (!w.isEmpty()) out.add(w);
        return out;
    }
}
