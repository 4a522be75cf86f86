package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.faultline.common.probe.HostileStrings;
import dev.faultline.common.words.Tokenizer;
import dev.faultline.sidecar.security.HostileTemplates;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The fast path either declines a command line or yields exactly what picocli yields: every field of the parent
 * command and of the verb compared, for a table of lines, random mixes of the words, and the hostile strings of
 * HostileCommandsIT. Pure parsing: nothing runs.
 */
class PlainContainerCommandTest {
    /** Lines the fast path must take (else it would decline everything and this test could not fail). */
    static final List<String> PLAIN = List.of(
            "kill c",
            "kill --signal SIGTERM c",
            "kill -s term c1 c2",
            "kill c --signal SIGHUP",
            "kill re2:^hello",
            "kill --signal NOSUCH c",
            "crash --signal SIGKILL re2:^replica-",
            "crash -s INT c",
            "--random --interval 30s kill --signal SIGKILL re2:^hello",
            "--interval 1m30s --limit 3 stop --time 5 web-1",
            "--dry-run --label app=hello --label tier=web stop",
            "--label a=b=c kill",
            "--label k= kill x",
            "--namespace default --namespace kube-system --runtime cri kill ns/pod/c",
            "--runtime docker restart -t 0 c",
            "--runtime-endpoint unix:///run/containerd/containerd.sock kill c",
            "--pod kill 1234",
            "--pod crash",
            "pause --duration 30s c",
            "pause -d 500ms re2:x",
            "--dry-run pause --duration 1s re2:hello",
            "rm c",
            "rm --force c",
            "rm -f -v c",
            "rm --volumes c",
            "--limit 0 --interval 100ms kill c",
            "kill",
            "--runtime podman kill c",
            "kill @file",
            "stop --time 999999999 c");

    /** Lines picocli reads in its own way, or refuses: the fast path must decline them (picocli's errors and help). */
    static final List<String> DECLINED = List.of(
            "",
            "--help",
            "kill --help",
            "kill -h c",
            "--version",
            "-V",
            "kill --signal=SIGTERM c",
            "kill -sTERM c",
            "--interval 50ms kill c",
            "--interval 0 kill c",
            "--interval 1x kill c",
            "--limit -1 kill c",
            "--limit 010 kill c",
            "--limit +1 kill c",
            "--random --random kill c",
            "kill --signal a --signal b c",
            "kill -s a --signal b c",
            "--label k kill c",
            "--label =v kill c",
            "kill --random c",
            "stop --time 1.5 c",
            "stop --time -1 c",
            "pause c",
            "pause --duration 30 c",
            "rm --force false c",
            "rm -f TRUE c",
            "rm --force=false c",
            "kill -- c",
            "kill -c",
            "netem --duration 1m rate --rate 1mbit c",
            "iptables --duration 1s loss --probability 0.5 c",
            "daemon",
            "--kill c",
            "--interval kill c",
            "--runtime kill kill c",
            "kill c stop",
            "frobnicate c",
            "--dry",
            "--ran kill c");

    @Test
    void plainLinesAreTakenAndYieldWhatPicocliYields() {
        for (String line : PLAIN) {
            String[] words = words(line);
            Optional<TargetedCommand> fast = PlainContainerCommand.parse(null, words);
            assertTrue(fast.isPresent(), "the fast path declined a plain line: " + line);
            assertEquals(picocli(words), canonical(fast.get()), line);
        }
    }

    @Test
    void othersAreDeclined() {
        for (String line : DECLINED)
            assertTrue(PlainContainerCommand.parse(null, words(line)).isEmpty(), "taken: " + line);
    }

    /** The words the mixes are made of: every option and verb, and values good and bad for each. */
    static final String[] VOCABULARY = {
        "kill",
        "stop",
        "pause",
        "restart",
        "rm",
        "crash",
        "netem",
        "daemon",
        "--random",
        "--dry-run",
        "--pod",
        "--interval",
        "--limit",
        "--label",
        "--namespace",
        "--runtime",
        "--runtime-endpoint",
        "--signal",
        "-s",
        "--time",
        "-t",
        "--duration",
        "-d",
        "--force",
        "-f",
        "--volumes",
        "-v",
        "--help",
        "-h",
        "--",
        "30s",
        "50ms",
        "1m30s",
        "0",
        "5",
        "-1",
        "010",
        "1x",
        "k=v",
        "k",
        "=v",
        "a=b=c",
        "SIGTERM",
        "term",
        "bogus",
        "true",
        "false",
        "c1",
        "re2:^x",
        "re2:[",
        "@f",
        "",
        " ",
        "--force=false",
        "--signal=SIGTERM",
        "-sTERM",
        "docker",
        "cri",
        "unix:///x.sock",
        "default",
        "kube-system",
        "ns/p/c"
    };

    @Test
    void everyLineOfUpToThreeKnownWordsAgreesWithPicocli() {
        int taken = 0, lines = 0;
        for (String a : VOCABULARY) {
            lines++;
            if (agree(new String[] {a}, 0)) taken++;
            for (String b : VOCABULARY) {
                lines++;
                if (agree(new String[] {a, b}, 0)) taken++;
                for (String c : VOCABULARY) {
                    lines++;
                    if (agree(new String[] {a, b, c}, 0)) taken++;
                }
            }
        }
        System.out.printf("[plain-command] %d lines of up to three words: %d taken by the fast path%n", lines, taken);
        assertTrue(taken > 1_000, "hardly any reached the fast path: " + taken);
    }

    @Test
    void randomMixesOfTheKnownWordsAgreeWithPicocli() {
        String[] vocabulary = VOCABULARY;
        long seed = Long.getLong("faultline.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        int taken = 0, n = Integer.getInteger("faultline.sidecar.plain.count", 3_000);
        for (int k = 0; k < n; k++) {
            List<String> words = new ArrayList<>();
            // mostly shaped like a command (globals, a container verb, its words), sometimes any order at all
            boolean shaped = random.nextInt(4) != 0;
            int before = shaped ? random.nextInt(3) : 0;
            for (int j = 0; j < before; j++) words.add(vocabulary[8 + random.nextInt(9)]); // a global option
            if (shaped) words.add(vocabulary[random.nextInt(6)]);
            int after = random.nextInt(6);
            for (int j = 0; j < after; j++) words.add(vocabulary[random.nextInt(vocabulary.length)]);
            if (agree(words.toArray(String[]::new), seed)) taken++;
        }
        System.out.printf(
                "[plain-command] %d random lines (seed %d): %d taken by the fast path, the rest declined%n",
                n, seed, taken);
        assertTrue(taken > n / 20, "the mixes hardly reached the fast path: " + taken);
    }

    @Test
    void hostileStringsAgreeWithPicocli() {
        long seed = Long.getLong("faultline.fuzz.seed", System.nanoTime());
        List<String> templates = new ArrayList<>(HostileTemplates.TEMPLATES);
        HostileStrings strings = new HostileStrings(seed, templates);
        int taken = 0, n = Integer.getInteger("faultline.sidecar.plain.count", 3_000);
        for (int k = 0; k < n; k++) {
            List<String> words;
            try {
                words = Tokenizer.words(strings.next().trim());
            } catch (IllegalArgumentException unsplittable) {
                continue;
            }
            if (agree(words.toArray(String[]::new), seed)) taken++;
        }
        System.out.printf("[plain-command] %d hostile strings (seed %d): %d taken by the fast path%n", n, seed, taken);
    }

    /** Declined, or the same as picocli; true when taken. */
    private static boolean agree(String[] words, long seed) {
        Optional<TargetedCommand> fast = PlainContainerCommand.parse(null, words);
        if (fast.isEmpty()) return false;
        String expected = picocli(words);
        assertEquals(expected, canonical(fast.get()), "seed " + seed + ": " + String.join(" | ", words));
        return true;
    }

    /**
     * What picocli makes of the words in Main, as {@link #canonical}: the model of the verbs the words name, or the
     * full one when that refuses them ({@link SidecarCli#commandLine(Runner, String[])}).
     */
    private static String picocli(String[] words) {
        CommandLine.ParseResult r;
        try {
            CommandLine cl = SidecarCli.commandLine(null, words);
            r = cl.getParseResult() != null ? cl.getParseResult() : cl.parseArgs(words);
        } catch (CommandLine.PicocliException refused) {
            return "picocli refuses: " + refused.getMessage();
        }
        if (!r.hasSubcommand()) return "picocli: no verb";
        if (r.isUsageHelpRequested()
                || r.subcommand().isUsageHelpRequested()
                || r.isVersionHelpRequested()
                || r.subcommand().isVersionHelpRequested()) return "picocli: help";
        if (!(r.subcommand().commandSpec().userObject() instanceof TargetedCommand verb))
            return "picocli: not a container verb";
        return canonical(verb);
    }

    /** Every field of the verb and of its parent command (but the runner and picocli's spec), by name. */
    static String canonical(TargetedCommand verb) {
        return verb.getClass().getSimpleName() + " " + fields(verb, verb.getClass()) + " "
                + fields(verb, TargetedCommand.class) + " parent " + fields(verb.cli(), SidecarCli.class);
    }

    private static String fields(Object o, Class<?> c) {
        StringBuilder b = new StringBuilder("{");
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    || f.getType() == SidecarCli.class
                    || f.getType() == Runner.class
                    || f.getType() == CommandLine.Model.CommandSpec.class) continue;
            try {
                f.setAccessible(true);
                Object v = f.get(o);
                b.append(f.getName())
                        .append('=')
                        .append(v == null ? "null" : v.getClass().getSimpleName() + ":" + v)
                        .append(' ');
            } catch (IllegalAccessException e) {
                fail(e);
            }
        }
        return b.append('}').toString();
    }

    private static String[] words(String line) {
        return line.isEmpty() ? new String[0] : Tokenizer.words(line).toArray(String[]::new);
    }
}
