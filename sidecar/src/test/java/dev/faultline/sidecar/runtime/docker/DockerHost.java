package dev.faultline.sidecar.runtime.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Docker engine, through its own CLI (the engine's view, independent of the code under test).
 * Every container a test makes carries this run's label and is removed by {@link #close()}.
 */
public final class DockerHost implements AutoCloseable {
    public static final String BUSYBOX = "faultline/busybox:local";
    public final String run = "fltest-" + UUID.randomUUID().toString().substring(0, 8);

    /** Skips with the reason when there is no engine; under CI that is a failure. */
    public static DockerHost require() {
        if (exec(List.of("docker", "info", "--format", "{{.ServerVersion}}")).startsWith("ERR")) {
            String why = "no Docker engine reachable (.ci/services.sh starts one)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
        if (exec(List.of("docker", "image", "inspect", BUSYBOX)).startsWith("ERR")) {
            String why = BUSYBOX + " missing (.ci/images.sh builds it)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
        return new DockerHost();
    }

    /** Starts a labelled container; {@code options} go before the image, {@code command} after it. */
    public String start(String name, List<String> options, String... command) {
        List<String> cmd =
                new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--label", "dev.faultline.test=" + run));
        cmd.addAll(options);
        cmd.add(BUSYBOX);
        cmd.addAll(List.of(command));
        String out = exec(cmd);
        if (out.startsWith("ERR")) throw new AssertionError("docker run failed: " + out);
        return out.trim();
    }

    /**
     * The sidecar's image, built from {@code sidecar/Dockerfile} on the local JRE base as {@code tag}; skips with the
     * reason (under CI: fails) when that base is missing.
     */
    public static String buildSidecarImage(String tag) {
        String base = System.getProperty("faultline.sidecar.base", "faultline/jre-base:local");
        if (exec(List.of("docker", "image", "inspect", base)).startsWith("ERR")) {
            String why = base + " missing (.ci/images.sh builds it)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
        String build = exec(List.of(
                "docker",
                "build",
                "-q",
                "--build-arg",
                "BASE_IMAGE=" + base,
                "-t",
                tag,
                System.getProperty("faultline.sidecar.dir", ".")));
        if (build.startsWith("ERR")) throw new AssertionError("docker build failed: " + build);
        return tag;
    }

    public String inspect(String name, String format) {
        return exec(List.of("docker", "inspect", "-f", format, name)).trim();
    }

    public long pid(String name) {
        return Long.parseLong(inspect(name, "{{.State.Pid}}"));
    }

    /** A command in the container's network namespace, from the host's tools (what the target really has). */
    public String inNetns(String name, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid(name)), "-n", "--"));
        cmd.addAll(List.of(argv));
        return exec(cmd);
    }

    /** Whether this kernel takes a netem qdisc, asked independently of the sidecar (a throwaway namespace). */
    public static boolean kernelHasNetem() {
        return !exec(List.of("unshare", "--net", "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"))
                .startsWith("ERR");
    }

    public static String exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "ERR timeout " + cmd;
            }
            return p.exitValue() == 0 ? out : "ERR " + p.exitValue() + " " + out;
        } catch (IOException e) {
            return "ERR " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR interrupted";
        }
    }

    @Override
    public void close() {
        String ids = exec(List.of("docker", "ps", "-aq", "--filter", "label=dev.faultline.test=" + run))
                .trim();
        if (!ids.isEmpty() && !ids.startsWith("ERR")) {
            List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
            rm.addAll(List.of(ids.split("\\s+")));
            exec(rm);
        }
    }
}
