package dev.faultline.sidecar.network;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch script run by the real shell: every command's words arrive intact, and the check stops at the first failure. */
class BatchTest {
    static NetnsCommand.Result run(List<String> argv) {
        return NetnsCommand.run(0, argv);
    }

    @Test
    void allRunsEveryCommandWhateverEachOneSaysAndParsesNoWord(@TempDir Path dir) {
        Path log = dir.resolve("log"), pwned = dir.resolve("pwned");
        String hostile = "$(touch " + pwned + "); `touch " + pwned + "` 'a b'";
        List<String> append = List.of("sh", "-c", "printf '%s\\n' \"$2\" >> \"$1\"", "append", log.toString());
        NetnsCommand.Result r = run(Batch.all(List.of(
                concat(append, "one"),
                List.of("sh", "-c", "echo noisy; exit 7"),
                concat(append, hostile),
                concat(append, "three"))));
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("", r.output(), "all is quiet");
        assertEquals(
                List.of("one", hostile, "three"),
                read(log),
                "every command ran, a failing one too, each word as given");
        assertFalse(Files.exists(pwned), "a word was parsed by the shell");
    }

    @Test
    void checkStopsAtTheFirstFailureAndSaysWhatItPrinted(@TempDir Path dir) {
        Path log = dir.resolve("log");
        List<String> append = List.of("sh", "-c", "echo \"$2\" >> \"$1\"", "append", log.toString());
        NetnsCommand.Result r = run(Batch.check(List.of(
                concat(append, "first"),
                List.of("sh", "-c", "echo 'eth0 still has: qdisc tbf fa17:' >&2; exit 1"),
                concat(append, "never"))));
        assertEquals(1, r.exitCode());
        assertEquals("eth0 still has: qdisc tbf fa17:", r.output());
        assertEquals(List.of("first"), read(log), "nothing runs after the first failure");

        NetnsCommand.Result silent = run(Batch.check(List.of(List.of("sh", "-c", "exit 3", "quiet"))));
        assertEquals(1, silent.exitCode());
        assertEquals("`sh -c exit 3 quiet` failed (3)", silent.output(), "a silent failure is named with its code");

        NetnsCommand.Result clean =
                run(Batch.check(List.of(List.of("sh", "-c", "echo fine; exit 0"), List.of("true"))));
        assertEquals(0, clean.exitCode());
        assertEquals("", clean.output(), "what passing checks print is not reported");
    }

    @Test
    void aRevertThenItsCheckInOneProcess(@TempDir Path dir) throws Exception {
        Path left = Files.createFile(dir.resolve("qdisc"));
        List<String> gone = List.of(
                "sh", "-c", "[ ! -e \"$1\" ] || { echo \"$1 is still there\"; exit 1; }", "verify", left.toString());
        NetnsCommand.Result stillThere =
                run(Batch.revertThenCheck(List.of(List.of("sh", "-c", "echo not this time; exit 1")), List.of(gone)));
        assertEquals(1, stillThere.exitCode());
        assertEquals(left + " is still there", stillThere.output(), "the failed revert is quiet, the check speaks");
        NetnsCommand.Result clean =
                run(Batch.revertThenCheck(List.of(List.of("rm", "-f", left.toString())), List.of(gone)));
        assertEquals(0, clean.exitCode(), clean.output());
        assertFalse(Files.exists(left));
    }

    @Test
    void anEmptyCommandIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Batch.all(List.of(List.of())));
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    private static List<String> read(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
