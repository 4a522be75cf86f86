package dev.faultline.sidecar.network;

import dev.faultline.common.process.ExternalCommand;
import dev.faultline.common.words.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One command, one process, bounded by {@link #DEADLINE}: {@code tc}, {@code ip} and {@code iptables} inside a
 * target's network namespace by {@code nsenter -t PID -n} from the sidecar's own tools (nothing is needed in the
 * target image), or directly where the sidecar is (pid 0: pod mode, the netem preflight, the freezer, signals). A
 * network change reaches its target through a {@link NetnsExecutor} instead, which keeps a {@link NetnsShell} open
 * for a container's commands and comes here only for pod mode.
 */
public final class NetnsCommand {
    static final String DEADLINE_PROPERTY = "faultline.sidecar.commandDeadline";
    /**
     * How long one command the sidecar runs (tc, ip, iptables, nsenter, unshare, sh) may take before it is killed with
     * all it started: 30 s, or {@code -D}{@value #DEADLINE_PROPERTY}{@code =<duration>} (the hung-command tests).
     */
    public static final Duration DEADLINE = deadline(System.getProperty(DEADLINE_PROPERTY));

    private NetnsCommand() {}

    static Duration deadline(String property) {
        if (property == null) return Duration.ofSeconds(30);
        try {
            long nanos = Durations.parseNanos(property);
            if (nanos > 0) return Duration.ofNanos(nanos);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + DEADLINE_PROPERTY + "=" + property + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("-D" + DEADLINE_PROPERTY + "=" + property + ": must be more than 0");
    }

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** What a failed check says: what it printed, or its words and exit code when it printed nothing. */
        public String failure(List<String> argv) {
            return output.isEmpty() ? "`" + String.join(" ", argv) + "` failed (" + exitCode + ")" : output;
        }
    }

    public static List<String> inNamespace(long pid, List<String> argv) {
        if (pid <= 0) return argv;
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n", "--"));
        cmd.addAll(argv);
        return cmd;
    }

    /** Runs it to its end, or kills it and all it started at the {@link #DEADLINE}: exit -1, a message saying so. */
    public static Result run(long pid, List<String> argv) {
        List<String> cmd = inNamespace(pid, argv);
        try {
            ExternalCommand.Result r = ExternalCommand.of(cmd, DEADLINE).run();
            return r.timedOut()
                    ? new Result(-1, r.timeoutMessage())
                    : new Result(r.exitCode(), r.output().trim());
        } catch (IOException e) {
            return new Result(-1, "cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Runs and fails with a message that names the missing kernel piece where tc says so. */
    public static String check(long pid, List<String> argv) {
        return checked(run(pid, argv), argv);
    }

    static String checked(Result r, List<String> argv) {
        if (r.ok()) return r.output();
        if (argv.contains("netem") && NetemPreflight.saysMissing(r.output()) != null) {
            throw new IllegalStateException(NetemPreflight.refusal()); // a kernel the preflight could not ask
        }
        throw new IllegalStateException(
                "`" + String.join(" ", argv) + "` failed (" + r.exitCode() + "): " + r.output());
    }
}
