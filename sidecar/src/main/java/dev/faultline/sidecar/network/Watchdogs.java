package dev.faultline.sidecar.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The watchdog of a network change: a shell outside the JVM that sleeps until the change's deadline, then runs
 * its revert commands. The script is a constant: the change id, the sleep and every revert command travel as
 * arguments ({@code sh -c SCRIPT faultline-watchdog <id> <seconds> <n> <word>… <n> <word>…}), so no word that
 * came from an operator (an interface, a CIDR, a port) is ever parsed by the shell. The arguments carry a mark
 * naming the change, so a later sidecar can find and stop the watchdog a crashed one left behind; otherwise it
 * would sleep on for the whole duration and, at the old deadline, delete whatever then carries the same tc handle.
 */
public final class Watchdogs {
    static final String NAME = "faultline-watchdog";

    /**
     * The sleep runs in the background so that a SIGTERM interrupts {@code wait} at once and the trap ends the
     * sleep with the shell (and reaps it: in a helper container an unreaped one would keep the helper a moment longer):
     * a plain foreground {@code sleep} would outlive a killed shell as an orphan. Each
     * revert command is {@code n} words after its count: a subshell rebuilds {@code "$@"} from the first
     * {@code n} and runs it, quietly; then they are shifted off.
     */
    static final String SCRIPT =
            "trap 'kill $! 2>/dev/null; wait $! 2>/dev/null; exit 0' TERM; sleep \"$2\" & wait $!; shift 2; "
                    + "while [ \"$#\" -gt 0 ]; do n=$1; shift; "
                    + "( i=0; for w do [ \"$i\" -eq 0 ] && set --; [ \"$i\" -lt \"$n\" ] && set -- \"$@\" \"$w\"; i=$((i+1)); done; \"$@\" ) >/dev/null 2>&1; "
                    + "shift \"$n\"; done";

    private Watchdogs() {}

    /** The watchdog's whole argv, starting with {@code sh}. */
    public static List<String> argv(String changeId, Duration after, List<List<String>> revert) {
        List<String> argv = new ArrayList<>(
                List.of("sh", "-c", SCRIPT, NAME, changeId, Long.toString(Math.max(1, after.toSeconds()))));
        for (List<String> cmd : revert) {
            argv.add(Integer.toString(cmd.size()));
            argv.addAll(cmd);
        }
        return argv;
    }

    /**
     * Ends a watchdog: SIGTERM, whose trap ends its sleep and skips the reverts. One that woke already (a crashed
     * sidecar's, found late) is running a revert, and the shell takes the signal only once that command returns: we
     * wait for it, up to {@link #STOP_WITHIN}, then kill what is left of it. Returns once it has ended.
     */
    public static void stop(ProcessHandle watchdog) {
        watchdog.destroy();
        try {
            if (!ended(watchdog, STOP_WITHIN)) killTree(watchdog);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(watchdog);
        }
    }

    /**
     * Whether it ended within the time: gone, or a zombie (it has run its trap and exited; only its reaping is left).
     * Not {@code onExit()}: a crashed sidecar's watchdog is an orphan, reaped by PID 1 or a subreaper when that gets
     * round to it (seconds under some VM inits), and {@code onExit()} of a process that is not our child counts a
     * zombie alive and polls from 300 ms up. Polled here from 1 ms, doubling up to 16 ms.
     */
    static boolean ended(ProcessHandle p, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        for (long pause = 1; p.isAlive() && !zombie(stat); pause = Math.min(pause * 2, 16)) {
            if (System.nanoTime() - deadline > 0) return false;
            Thread.sleep(pause);
        }
        return true;
    }

    /** {@code /proc/PID/stat}'s state field (after the parenthesised command name) is Z; false if unreadable. */
    private static boolean zombie(Path stat) {
        try {
            String s = Files.readString(stat);
            int end = s.lastIndexOf(')');
            return end > 0 && end + 2 < s.length() && s.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // gone (isAlive says so next) or no /proc
        }
    }

    /**
     * Read only now, not before the SIGTERM: the tree is found by a walk of every process (milliseconds on a busy
     * node, on every revert), and a watchdog that has not ended is alive, so its children are still its own.
     */
    private static void killTree(ProcessHandle watchdog) {
        Stream.concat(Stream.of(watchdog), watchdog.descendants()).toList().forEach(ProcessHandle::destroyForcibly);
    }

    static final Duration STOP_WITHIN = Duration.ofSeconds(10);

    /** Whether a process's command line is a watchdog (of any change). */
    public static boolean isWatchdog(String commandLine) {
        return commandLine.contains(" " + NAME + " ");
    }

    /** Whether a process's command line is the watchdog of this change. */
    static boolean isWatchdogOf(String commandLine, String changeId) {
        return commandLine.contains(" " + NAME + " " + changeId + " ");
    }

    /** Stops every watchdog process of this change that this sidecar can see; returns how many. */
    public static int stopAll(String changeId) {
        List<ProcessHandle> found = ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> isWatchdogOf(c, changeId))
                        .orElse(false))
                .toList();
        found.forEach(Watchdogs::stop);
        return found.size();
    }
}
