package dev.faultline.sidecar.experiment.change;

import dev.faultline.common.process.ExternalCommand;
import dev.faultline.sidecar.network.NetnsCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The crash matrix's kill points: with {@code FAULTLINE_TEST_KILL_AT=<step>[:<jitter ms>]} in its environment the
 * sidecar sends itself SIGKILL when a change reaches that step, at once or after a random delay of up to the jitter
 * while the change goes on (so the kill lands anywhere inside the next step). Whoever starts a process sets its
 * environment: this gives nobody a way in. Unset, a step costs one comparison.
 */
public final class KillPoints {
    /** The change is in the journal, nothing applied yet. */
    public static final String JOURNALLED = "journalled";
    /** The first command of the change has run (the pause call, for a pause). */
    public static final String FIRST_COMMAND = "first-command";
    /** All of it applied, the watchdog not started yet. */
    public static final String APPLIED = "applied";
    /** A revert is starting. */
    public static final String REVERTING = "reverting";

    public static final List<String> ALL = List.of(JOURNALLED, FIRST_COMMAND, APPLIED, REVERTING);

    private static final String[] AT = parse(System.getenv("FAULTLINE_TEST_KILL_AT"));
    /** Off during the start-up recovery, whose reverts are not the run under test. */
    private static volatile boolean armed;

    private KillPoints() {}

    static String[] parse(String value) {
        if (value == null || value.isBlank()) return null;
        String[] p = value.trim().split(":", 2);
        if (!ALL.contains(p[0]))
            throw new IllegalArgumentException(
                    "FAULTLINE_TEST_KILL_AT=" + value + ": expected one of " + ALL + " with an optional :<jitter ms>");
        return new String[] {p[0], p.length == 2 ? p[1] : "0"};
    }

    public static void reached(String step) {
        if (AT == null || !armed || !AT[0].equals(step)) return;
        long jitter = Long.parseLong(AT[1]);
        long delay = jitter <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1);
        System.err.println("faultline-test: kill point " + step + " reached, SIGKILL in " + delay + " ms");
        if (delay == 0) {
            sigkill();
            return;
        }
        Thread t = new Thread(
                () -> {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException ignored) {
                        // kill now
                    }
                    sigkill();
                },
                "faultline-test-kill");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Called once the start-up recovery is done: kill points count from here. With {@code FAULTLINE_TEST_HOLD_AFTER_RECOVERY=1} the sidecar stops after its start-up recovery until a line
     * arrives on stdin, so the crash matrix can witness what the recovery left before this start goes on (and is
     * killed in turn): one JVM per run instead of two.
     */
    public static void holdAfterRecovery() {
        armed = true;
        if (!"1".equals(System.getenv("FAULTLINE_TEST_HOLD_AFTER_RECOVERY"))) return;
        System.err.println("faultline-test: recovered, holding");
        System.err.flush();
        try {
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        } catch (IOException ignored) {
            // go on
        }
    }

    /** A real SIGKILL (no hook, no finally runs), from the shell's kill builtin; halt only if that failed. */
    private static void sigkill() {
        String self = Long.toString(ProcessHandle.current().pid());
        List<String> kill = List.of("sh", "-c", "kill -s KILL \"$1\"", "kill", self);
        try {
            ExternalCommand.Result r =
                    ExternalCommand.of(kill, NetnsCommand.DEADLINE).run();
            if (r.timedOut()) System.err.println("faultline-test: " + r.timeoutMessage() + "; halting");
            else Thread.sleep(10_000);
        } catch (Exception ignored) {
            // fall through
        }
        Runtime.getRuntime().halt(137);
    }
}
