package dev.faultline.sidecar.netem;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code tc}, {@code ip} and {@code iptables} in one target's network namespace: by {@code nsenter} when the
 * sidecar sees host PIDs (the fast path), else through a short-lived helper container joined to the target's
 * network ({@link dev.faultline.sidecar.docker.HelperContainer}).
 */
public interface NetnsExecutor {
    NetnsExec.Result run(List<String> argv);

    /**
     * Starts a process outside the JVM that runs {@code revert} after {@code after}, even if the sidecar is gone.
     * @return how to cancel it (the revert then happens through {@link #run}), never null
     */
    Runnable watchdog(String changeId, Duration after, List<List<String>> revert);

    /** How it reaches the namespace, for the action log: {@code nsenter} or {@code helper}. */
    String how();

    /** Runs and fails with a message that names the missing kernel piece where tc says so. */
    default String check(List<String> argv) {
        return NetnsExec.checked(run(argv), argv);
    }

    /** {@code nsenter -t PID -n}; pid 0 = our own namespace (pod mode). */
    static NetnsExecutor nsenter(long pid) {
        return new NetnsExecutor() {
            public NetnsExec.Result run(List<String> argv) {
                return NetnsExec.run(pid, argv);
            }

            /** A detached process in its own session: survives a SIGKILL of the sidecar. */
            public Runnable watchdog(String changeId, Duration after, List<List<String>> revert) {
                List<String> cmd = new ArrayList<>(List.of("setsid"));
                cmd.addAll(NetnsExec.inNamespace(pid, Watchdogs.argv(changeId, after, revert)));
                try {
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    return () -> Watchdogs.stop(p.toHandle());
                } catch (IOException e) {
                    return () -> { }; // the JVM's own timer and the journal still revert it
                }
            }

            public String how() {
                return "nsenter";
            }
        };
    }
}
