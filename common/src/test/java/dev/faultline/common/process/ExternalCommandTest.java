package dev.faultline.common.process;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Real processes: a hung one cut at its deadline with all it started, output beyond a pipe, exit codes kept. */
class ExternalCommandTest {
    static final Duration SHORT = Duration.ofMillis(300);

    static ExternalCommand.Result run(Duration deadline, String... argv) throws Exception {
        return ExternalCommand.of(List.of(argv), deadline).run();
    }

    static ExternalCommand.Result timed(Duration deadline, String... argv) throws Exception {
        long t0 = System.nanoTime();
        ExternalCommand.Result r = run(deadline, argv);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(r.timedOut(), "not cut: " + r);
        assertTrue(took.compareTo(deadline) >= 0, "cut before its deadline: " + took);
        assertTrue(took.compareTo(deadline.plusSeconds(4)) < 0, "cut late: " + took);
        return r;
    }

    /** The PIDs a command printed, one a line. */
    static List<Long> printed(ExternalCommand.Result r) {
        return r.output().lines().map(Long::parseLong).toList();
    }

    /** Those still running: in /proc and not a zombie (a killed orphan waits as one until init reaps it). */
    static List<Long> running(List<Long> pids) {
        return pids.stream()
                .filter(pid -> {
                    try {
                        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                        return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
                    } catch (IOException gone) {
                        return false;
                    }
                })
                .toList();
    }

    @Test
    void aHungCommandIsCutAtItsDeadlineAndTheMessageNamesItAndTheTimeout() throws Exception {
        ExternalCommand.Result r = timed(SHORT, "sleep", "600");
        assertEquals(-1, r.exitCode());
        assertFalse(r.ok());
        assertEquals("`sleep 600` did not finish within 300ms; killed", r.timeoutMessage());
        List<ProcessHandle> left = ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .toList();
        assertEquals(List.of(), left, "nothing left");
    }

    @Test
    void everyProcessItStartedIsKilledWithIt() throws Exception {
        // the shell, a background sleep and a foreground one, each printing its PID first
        ExternalCommand.Result r = timed(SHORT, "sh", "-c", "echo $$; sleep 600 & echo $!; sleep 600 & echo $!; wait");
        assertEquals(3, printed(r).size(), r.output());
        assertEquals(List.of(), running(printed(r)), "all gone: " + r.output());
    }

    @Test
    void aTreeThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        // an ignored signal stays ignored across fork and exec: the sleep ignores SIGTERM too
        long t0 = System.nanoTime();
        ExternalCommand.Result r = timed(SHORT, "sh", "-c", "trap '' TERM; echo $$; sleep 600 & echo $!; wait");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(took.compareTo(SHORT.plus(ProcessTree.GRACE)) >= 0, "SIGKILL only after the grace: " + took);
        assertEquals(2, printed(r).size(), r.output());
        assertEquals(List.of(), running(printed(r)));
    }

    @Test
    void outputLargerThanAPipeDoesNotBlockIt() throws Exception {
        ExternalCommand.Result r =
                run(Duration.ofSeconds(20), "sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo done");
        assertTrue(r.ok(), r.timeoutMessage());
        assertEquals("x".repeat(1_000_000) + "\ndone\n", r.output());
        List<String> loudErrors = List.of("sh", "-c", "head -c 300000 /dev/zero >&2; echo out");
        ExternalCommand.Result apart = ExternalCommand.of(loudErrors, Duration.ofSeconds(20))
                .errorsApart()
                .run();
        assertTrue(apart.ok());
        assertEquals("out\n", apart.output());
        assertEquals(300_000, apart.errors().length(), "stderr is read at the same time as stdout");
    }

    @Test
    void aRunawayOutputIsKeptUpToALimitAndStillReadToItsEnd() throws Exception {
        ExternalCommand.Result r = run(Duration.ofSeconds(20), "head", "-c", "5000000", "/dev/zero");
        assertTrue(r.ok());
        assertEquals(ExternalCommand.KEPT_BYTES, r.output().length());
    }

    @Test
    void exitCodesAndOutputArePreserved() throws Exception {
        List<String> both = List.of("sh", "-c", "printf out; printf err >&2; exit 7");
        Duration five = Duration.ofSeconds(5);
        ExternalCommand.Result merged = ExternalCommand.of(both, five).run();
        assertEquals(new ExternalCommand.Result(both, 7, "outerr", "", false, five), merged);
        List<String> apartArgv = List.of("sh", "-c", "printf out; printf err >&2; exit 3");
        ExternalCommand.Result apart =
                ExternalCommand.of(apartArgv, five).errorsApart().run();
        assertEquals(List.of(3, "out", "err"), List.of(apart.exitCode(), apart.output(), apart.errors()));
        assertTrue(run(Duration.ofSeconds(5), "true").ok());
        assertEquals(0, run(Duration.ofSeconds(5), "cat").exitCode(), "stdin is empty: cat ends at once");
    }

    @Test
    void aProcessLeftRunningInTheBackgroundDoesNotHoldTheCommand() throws Exception {
        long t0 = System.nanoTime();
        ExternalCommand.Result r = run(Duration.ofSeconds(30), "sh", "-c", "sleep 600 & echo $!");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        List<ProcessHandle> left = printed(r).stream()
                .map(ProcessHandle::of)
                .flatMap(Optional::stream)
                .toList();
        try {
            assertTrue(r.ok(), r.toString());
            assertEquals(1, left.size(), "its output up to its end: " + r.output());
            Duration bound = ExternalCommand.OUTPUT_AFTER_END.plusSeconds(3);
            assertTrue(took.compareTo(bound) < 0, "held by the sleep it left: " + took);
        } finally {
            left.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void anInterruptedRunKillsItAndSaysSo() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                run(Duration.ofSeconds(60), "sleep", "600");
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        long until = System.currentTimeMillis() + 5_000;
        while (ProcessHandle.current().children().noneMatch(ExternalCommandTest::isSleep)
                && System.currentTimeMillis() < until) {
            Thread.sleep(5);
        }
        t.interrupt();
        t.join(5_000);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertEquals(
                List.of(),
                ProcessHandle.current()
                        .children()
                        .filter(ExternalCommandTest::isSleep)
                        .filter(ProcessHandle::isAlive)
                        .toList());
    }

    static boolean isSleep(ProcessHandle h) {
        return h.info().command().orElse("").endsWith("sleep");
    }

    @Test
    void aMissingProgramCannotStartAndBadInputIsRefused() {
        IOException e = assertThrows(IOException.class, () -> run(SHORT, "/nonexistent/faultline-no-such-program"));
        assertTrue(e.getMessage().contains("faultline-no-such-program"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExternalCommand.of(List.of(), SHORT));
        assertThrows(IllegalArgumentException.class, () -> ExternalCommand.of(List.of("true"), Duration.ZERO));
    }

    @Test
    void aTimeoutMessageUsesTheDurationWordsAndShortensALongCommand() {
        List<Duration> durations = List.of(
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                Duration.ofSeconds(90),
                Duration.ofMinutes(5),
                Duration.ofMillis(1500),
                Duration.ofHours(2));
        assertEquals(
                List.of("30s", "500ms", "1m30s", "5m", "1s500ms", "2h"),
                durations.stream().map(ExternalCommand::words).toList());
        String[] longScript = {"sh", "-c", "x".repeat(1000)};
        String m = ExternalCommand.timeoutMessage(Arrays.asList(longScript), Duration.ofSeconds(30));
        assertTrue(m.startsWith("`sh -c xxx") && m.endsWith("…` did not finish within 30s; killed"), m);
        assertTrue(m.length() < ExternalCommand.QUOTED_CHARS + 40, m);
    }
}
