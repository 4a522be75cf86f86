package dev.faultline.sidecar.netem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The watchdog of a network change: a shell outside the JVM that sleeps until the change's deadline, then runs
 * its revert commands. Its script carries a mark naming the change, so a later sidecar can find and stop the
 * watchdog a crashed one left behind; otherwise it would sleep on for the whole duration and, at the old
 * deadline, delete whatever then carries the same tc handle.
 */
public final class Watchdogs {
    private static final String MARK = ": faultline-watchdog=";

    private Watchdogs() {
    }

    /**
     * {@code : faultline-watchdog=<id>; trap '…' TERM; sleep N & wait $!; <revert> >/dev/null 2>&1; …}. The sleep
     * runs in the background so that a SIGTERM interrupts {@code wait} at once and the trap ends the sleep with
     * the shell: a plain foreground {@code sleep} would outlive a killed shell as an orphan.
     */
    public static String script(String changeId, Duration after, List<List<String>> revert) {
        List<String> script = new ArrayList<>();
        script.add(MARK + changeId);
        script.add("trap 'kill $! 2>/dev/null; exit 0' TERM");
        script.add("sleep " + Math.max(1, after.toSeconds()) + " & wait $!");
        for (List<String> cmd : revert) script.add(String.join(" ", cmd) + " >/dev/null 2>&1");
        return String.join("; ", script);
    }

    /** Ends a watchdog before its deadline: SIGTERM, whose trap ends its sleep too and skips the reverts. */
    public static void stop(ProcessHandle watchdog) {
        watchdog.destroy();
    }

    /** Stops every watchdog process of this change that this sidecar can see; returns how many. */
    public static int stopAll(String changeId) {
        String mark = MARK + changeId + ";";
        List<ProcessHandle> found = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
                .toList();
        found.forEach(Watchdogs::stop);
        return found.size();
    }
}
