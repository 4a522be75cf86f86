package dev.faultline.sidecar.network;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long-lived nsenter shell, real: nsenter into this JVM's own network namespace (root needed, as for every
 * nsenter), words that a shell would parse arrive as literal arguments, replies end at the sentinel with the right
 * exit code, and the shell is gone once closed.
 */
class NetnsShellTest {
    static final long SELF = ProcessHandle.current().pid();

    static NetnsShell shell() {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "skipped: nsenter needs root, this runs as " + System.getProperty("user.name"));
        return new NetnsShell(SELF);
    }

    @Test
    void hostileWordsArriveAsLiteralArgumentsAndRunNothing(@TempDir Path dir) {
        Path pwned = dir.resolve("pwned");
        List<String> hostile = List.of(
                "$(touch " + pwned + ")",
                "`touch " + pwned + "`",
                "'; touch " + pwned + "; '",
                "\"$HOME\"",
                "a\nb; touch " + pwned,
                "\\",
                "*",
                "",
                "--",
                "-n",
                "${IFS}",
                "x' 'y",
                "'",
                "''",
                "faultline-done-0 0",
                "; exit 0",
                "&& reboot",
                "\t");
        try (NetnsShell sh = shell()) {
            List<String> argv = new ArrayList<>(List.of("printf", "<%s>\\n"));
            argv.addAll(hostile);
            NetnsCommand.Result r = sh.run(argv);
            assertEquals(0, r.exitCode(), r.output());
            StringBuilder expected = new StringBuilder();
            for (String w : hostile) expected.append('<').append(w).append(">\n");
            assertEquals(expected.toString().trim(), r.output(), "every word arrives as given");
            assertFalse(Files.exists(pwned), "a word was parsed by the shell");
            assertTrue(sh.run(List.of("true")).ok(), "the shell still answers after them");
        }
    }

    @Test
    void aHostileCommandNameIsOneWordToo(@TempDir Path dir) {
        Path pwned = dir.resolve("pwned");
        try (NetnsShell sh = shell()) {
            NetnsCommand.Result r = sh.run(List.of("true; touch " + pwned));
            assertEquals(127, r.exitCode(), "not found, as one name: " + r.output());
            assertFalse(Files.exists(pwned));
        }
    }

    @Test
    void eachReplyHasItsOwnOutputAndExitCodeAndRunsInTheNamespace() throws Exception {
        try (NetnsShell sh = shell()) {
            assertEquals(
                    new NetnsCommand.Result(7, "out\nerr"),
                    sh.run(List.of("sh", "-c", "echo out; echo err >&2; exit 7")));
            assertEquals(new NetnsCommand.Result(0, "no newline"), sh.run(List.of("printf", "no newline")));
            assertEquals(
                    new NetnsCommand.Result(0, ""),
                    sh.run(List.of("cat")),
                    "stdin is /dev/null: a command cannot eat the shell's");
            String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            assertEquals(new NetnsCommand.Result(0, ours), sh.run(List.of("readlink", "/proc/self/ns/net")));
        }
    }

    @Test
    void aShDashCCheckRunsInASubshellExactlyAsShDashCWould(@TempDir Path dir) {
        Path pwned = dir.resolve("pwned");
        String script =
                "printf '[%s]' \"$#\" \"$@\"; x=changed; cd /; [ \"$1\" = eth0 ] || { echo \"$1 is not eth0\" >&2; exit 4; }";
        try (NetnsShell sh = shell()) {
            for (List<String> args : List.of(
                    List.of("eth0", "-n", "", "$(touch " + pwned + ")", "'", "a\nb"),
                    List.of("wlan'0"),
                    List.<String>of())) {
                List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "verify"));
                argv.addAll(args);
                assertEquals(NetnsCommand.run(0, argv), sh.run(argv), "as sh -c: " + args);
            }
            assertEquals(
                    NetnsCommand.run(0, List.of("sh", "-c", "exit 3")),
                    sh.run(List.of("sh", "-c", "exit 3")),
                    "no name, an exit");
            assertEquals(
                    NetnsCommand.run(0, List.of("sh", "-c", "if then")).exitCode(),
                    sh.run(List.of("sh", "-c", "if then")).exitCode(),
                    "a script that does not parse");
            assertEquals(
                    new NetnsCommand.Result(0, "unset"),
                    sh.run(List.of("sh", "-c", "echo \"${x-unset}\"")),
                    "a check's variables stay in its subshell");
            assertEquals(
                    new NetnsCommand.Result(0, System.getProperty("user.dir")),
                    sh.run(List.of("pwd")),
                    "and so does its cd");
            assertFalse(Files.exists(pwned), "an argument was parsed by the shell");
        }
    }

    @Test
    void runAllKeepsTheBatchsMeaning() {
        try (NetnsShell sh = shell()) {
            assertEquals(
                    new NetnsCommand.Result(0, ""),
                    sh.runAll(List.of(List.of("sh", "-c", "echo noisy; exit 3")), List.of(List.of("true"))),
                    "a failing revert command is quiet, passing checks say nothing");
            assertEquals(
                    new NetnsCommand.Result(1, "eth0 still has: qdisc tbf fa17:"),
                    sh.runAll(
                            List.of(),
                            List.of(
                                    List.of("sh", "-c", "echo 'eth0 still has: qdisc tbf fa17:'; exit 1"),
                                    List.of("sh", "-c", "echo never"))));
            assertEquals(
                    new NetnsCommand.Result(1, "`sh -c exit 3 quiet` failed (3)"),
                    sh.runAll(List.of(), List.of(List.of("sh", "-c", "exit 3", "quiet"))),
                    "a silent failure is named with its code, as Batch does");
        }
    }

    @Test
    void oneShellForManyCommandsGoneWhenClosedAndStartedAgainAfter() throws Exception {
        NetnsShell sh = shell();
        try {
            assertTrue(sh.run(List.of("true")).ok());
            List<ProcessHandle> open = shells();
            assertEquals(1, open.size(), "one shell: " + open);
            for (int i = 0; i < 20; i++) assertTrue(sh.run(List.of("true")).ok());
            assertEquals(open, shells(), "the same shell for every command");
            sh.close();
            assertEquals(List.of(), shells(), "closed means gone");
            sh.close(); // idempotent
            assertTrue(sh.run(List.of("true")).ok(), "a run after close opens a new one");
            assertEquals(1, shells().size());
        } finally {
            sh.close();
        }
        assertEquals(List.of(), shells());
    }

    @Test
    void aShellThatEndsIsReportedAndReplaced() {
        try (NetnsShell sh = shell()) {
            NetnsCommand.Result r = sh.run(List.of("exit", "0"));
            assertEquals(-1, r.exitCode());
            assertTrue(r.output().contains("ended before `exit 0` returned"), r.output());
            assertEquals(new NetnsCommand.Result(0, "again"), sh.run(List.of("echo", "again")));
        }
    }

    @Test
    void aSpawnedProcessOutlivesItsCommandUntilStoppedAndHostileWordsStayWords(@TempDir Path dir) throws Exception {
        Path pwned = dir.resolve("pwned");
        try (NetnsShell sh = shell()) {
            String pid = sh.spawn(List.of(
                    "sh", "-c", "trap 'exit 0' TERM; sleep 60 & wait $!", "spawned-by-test", "$(touch " + pwned + ")"));
            assertNotNull(pid, "the shell names its PID");
            ProcessHandle spawned = ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
            long until = System.currentTimeMillis() + 5_000; // the fork may not have exec'd yet
            while (!spawned.info().commandLine().orElse("").contains("spawned-by-test")
                    && System.currentTimeMillis() < until) Thread.sleep(10);
            assertTrue(
                    spawned.isAlive() && spawned.info().commandLine().orElse("").contains("spawned-by-test"),
                    spawned.info().toString());
            assertEquals(
                    new NetnsCommand.Result(0, "still"),
                    sh.run(List.of("echo", "still")),
                    "the shell answers while it runs");
            sh.stopSpawned(pid);
            assertFalse(spawned.isAlive(), "stopped, and reaped by the shell that started it");
            assertFalse(Files.exists(pwned), "an argument was parsed by the shell");
            assertThrows(IllegalArgumentException.class, () -> sh.stopSpawned("1; reboot"));
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingRuns() {
        NetnsShell sh = new NetnsShell(SELF);
        assertThrows(IllegalArgumentException.class, () -> sh.run(List.of()));
        assertThrows(IllegalArgumentException.class, () -> sh.run(List.of("echo", "a\0b")));
        assertThrows(IllegalArgumentException.class, () -> sh.spawn(List.of()));
        assertThrows(IllegalArgumentException.class, () -> sh.spawn(List.of("echo", "a\0b")));
        assertThrows(IllegalArgumentException.class, () -> new NetnsShell(0));
        assertEquals(List.of(), shells(), "no shell was started for them");
    }

    /** This JVM's netns shells. */
    static List<ProcessHandle> shells() {
        return ProcessHandle.current()
                .children()
                .filter(h -> h.info().commandLine().orElse("").contains(NetnsShell.MARK + " " + SELF))
                .toList();
    }
}
