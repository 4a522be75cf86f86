package dev.faultline.sidecar.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code tc}, {@code ip} and {@code iptables} inside a target's network namespace: {@code nsenter -t PID -n}
 * from the sidecar's own tools (nothing is needed in the target image), or directly in pod mode (pid 0 = our
 * own namespace).
 */
public final class NetnsExec {
    private NetnsExec() {
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

    public static Result run(long pid, List<String> argv) {
        List<String> cmd = inNamespace(pid, argv);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), out);
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
        throw new IllegalStateException("`" + String.join(" ", argv) + "` failed (" + r.exitCode() + "): " + r.output());
    }
}
