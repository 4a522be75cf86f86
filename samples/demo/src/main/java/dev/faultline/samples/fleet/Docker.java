package dev.faultline.samples.fleet;

import dev.faultline.common.process.ExternalCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The Docker CLI, as a user would type it: what the samples do to the engine is what the README shows. */
public final class Docker {

    /** Every container and network the samples create carries this label, so clean-up can find them all. */
    public static final String LABEL = "dev.faultline.samples";

    public record Result(int exitCode, String out, String err) {
        public String outOrFail(List<String> args) {
            if (exitCode != 0) {
                throw new IllegalStateException(
                        "docker " + String.join(" ", args) + " exited " + exitCode + ": " + err.strip());
            }
            return out.strip();
        }
    }

    /** Empty when an engine answers; otherwise why not, in words a newcomer can act on. */
    public static Optional<String> unavailableReason() {
        try {
            Result info = run(List.of("info", "--format", "{{.ServerVersion}}"), Duration.ofSeconds(15));
            if (info.exitCode() == 0 && !info.out().isBlank()) {
                return Optional.empty();
            }
            return Optional.of("`docker info` could not reach a Docker engine: "
                    + info.err().strip());
        } catch (IOException e) {
            return Optional.of("no `docker` command on this machine (" + e.getMessage() + ")");
        }
    }

    public static String version() {
        return call("info", "--format", "{{.ServerVersion}}");
    }

    /** Runs a docker command and returns its output; fails with docker's own message. */
    public static String call(String... args) {
        return call(Duration.ofMinutes(5), args);
    }

    public static String call(Duration timeout, String... args) {
        try {
            return run(List.of(args), timeout).outOrFail(List.of(args));
        } catch (IOException e) {
            throw new IllegalStateException("docker " + String.join(" ", args) + ": " + e, e);
        }
    }

    /** Runs {@code docker args…}; at the timeout it is killed with all it started, and the IOException says so. */
    public static Result run(List<String> args, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(args);
        try {
            ExternalCommand.Result r =
                    ExternalCommand.of(command, timeout).errorsApart().run();
            if (r.timedOut()) throw new IOException(r.timeoutMessage());
            return new Result(r.exitCode(), r.output(), r.errors());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public static boolean imageExists(String image) {
        try {
            return run(List.of("image", "inspect", "--format", "{{.Id}}", image), Duration.ofSeconds(30))
                            .exitCode()
                    == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes every container and network the samples labelled with {@code value} (or any value if null). */
    public static void removeLabelled(String value) {
        String filter = "label=" + LABEL + (value == null ? "" : "=" + value);
        String ids = call("ps", "-aq", "--filter", filter);
        if (!ids.isBlank()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f", "-v"));
            rm.addAll(List.of(ids.split("\\s+")));
            call(rm.toArray(String[]::new));
        }
        String networks = call("network", "ls", "-q", "--filter", filter);
        if (!networks.isBlank()) {
            List<String> rm = new ArrayList<>(List.of("network", "rm"));
            rm.addAll(List.of(networks.split("\\s+")));
            call(rm.toArray(String[]::new));
        }
    }
}
