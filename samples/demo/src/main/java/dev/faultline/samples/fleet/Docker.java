package dev.faultline.samples.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The Docker CLI, as a user would type it: what the samples do to the engine is what the README shows. */
public final class Docker {

    /** Every container and network the samples create carries this label, so clean-up can find them all. */
    public static final String LABEL = "dev.faultline.samples";

    public record Result(int exitCode, String out, String err) {
        public String outOrFail(List<String> args) {
            if (exitCode != 0) {
                throw new IllegalStateException("docker " + String.join(" ", args) + " exited " + exitCode + ": " + err.strip());
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
            return Optional.of("`docker info` could not reach a Docker engine: " + info.err().strip());
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

    public static Result run(List<String> args, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(args);
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public static boolean imageExists(String image) {
        try {
            return run(List.of("image", "inspect", "--format", "{{.Id}}", image), Duration.ofSeconds(30)).exitCode() == 0;
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

    private static final java.util.concurrent.ExecutorService DRAINERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "docker-output");
        t.setDaemon(true);
        return t;
    });

    private static CompletableFuture<String> drain(InputStream in) {
        // Own threads, not the common pool: on a 2-core machine that has one thread, and both pipes must drain at once.
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, DRAINERS);
    }
}
