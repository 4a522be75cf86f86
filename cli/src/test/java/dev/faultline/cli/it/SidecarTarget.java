package dev.faultline.cli.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Assumptions;

/**
 * A real sidecar daemon from the built jar and a real target for it: a container of the local busybox image running
 * {@code sleep}, or of another image with its own command. What the target's network really holds is read from outside both, with the host's {@code tc} and
 * {@code iptables-save} in the container's namespace ({@code nsenter -t <pid> -n}). {@link #close()} stops the daemon
 * and removes the container.
 */
final class SidecarTarget implements AutoCloseable {
    static final String IMAGE = "faultline/busybox:local";
    static final String SIDECAR = "dev.faultline:type=Sidecar";

    final String container = "faultline-cli-it-" + UUID.randomUUID().toString().substring(0, 8);
    final int jmxPort;
    final Path dir;
    private final Process daemon;
    private final long pid;

    private SidecarTarget(List<String> imageAndCommand) throws Exception {
        dir = Files.createTempDirectory("faultline-cli-sidecar-target");
        List<String> docker = new ArrayList<>(
                List.of("docker", "run", "-d", "--name", container, "--label", "dev.faultline.cli.it=" + container));
        docker.addAll(imageAndCommand);
        String run = exec(docker.toArray(String[]::new));
        if (run.startsWith("ERR")) throw new AssertionError("docker run: " + run);
        Process started = null;
        try {
            pid = Long.parseLong(
                    exec("docker", "inspect", "-f", "{{.State.Pid}}", container).strip());
            jmxPort = Processes.freePort();
            started = Processes.sidecar(jmxPort, dir);
            daemon = started;
            Processes.await(jmxPort, dir).close();
        } catch (Exception | AssertionError e) {
            if (started != null) started.destroyForcibly();
            exec("docker", "rm", "-f", container);
            throw e;
        }
    }

    /** Skips with the reason without root, an engine or the image; under CI that is a failure. */
    static SidecarTarget require() throws Exception {
        return require(IMAGE, List.of(IMAGE, "sleep", "3600"));
    }

    /**
     * The same with another image of {@code .ci/images.sh}: {@code runArguments} are {@code docker run}'s after its
     * name and label (options, the image, the command).
     */
    static SidecarTarget require(String image, List<String> runArguments) throws Exception {
        String why = null;
        if (!exec("id", "-u").strip().equals("0")) {
            why = "not root: the sidecar shapes a container's network with nsenter, tc and iptables";
        } else {
            String id = exec("docker", "image", "inspect", "--format", "{{.Id}}", image);
            if (id.startsWith("ERR")) {
                why = "no Docker engine or no " + image
                        + " (.ci/services.sh starts dockerd, .ci/images.sh builds the image): " + id.strip();
            }
        }
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
        return new SidecarTarget(runArguments);
    }

    /** The target's {@code tc qdisc show} and its rules from {@code iptables-save}, as seen from outside. */
    String network() {
        return "tc:\n" + inNetns("tc", "qdisc", "show") + "iptables:\n" + rules(inNetns("iptables-save"));
    }

    String[] list() throws Exception {
        try (JMXConnector c = Processes.await(jmxPort, dir)) {
            return (String[]) Processes.invoke(c, SIDECAR, "list");
        }
    }

    Object attribute(String name) throws Exception {
        try (JMXConnector c = Processes.await(jmxPort, dir)) {
            return c.getMBeanServerConnection().getAttribute(new ObjectName(SIDECAR), name);
        }
    }

    String log() throws Exception {
        return Processes.logs(dir);
    }

    private String inNetns(String... argv) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n", "--"));
        cmd.addAll(List.of(argv));
        return exec(cmd.toArray(String[]::new));
    }

    /**
     * {@code iptables-save}'s rules and non-default chains, without comments and counters: the first rule in a
     * namespace makes iptables-nft create the filter table, which stays, empty with ACCEPT policies, after the rule
     * is gone, so that empty table is no trace of the change.
     */
    static String rules(String save) {
        StringBuilder sb = new StringBuilder();
        for (String line : save.lines().toList()) {
            if (line.startsWith("-A") || (line.startsWith(":") && !line.matches(":\\S+ ACCEPT .*")))
                sb.append(line.replaceAll("\\[\\d+:\\d+\\]", "[*]")).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        daemon.destroy(); // SIGTERM: the daemon reverts what is still open, as it does at any stop
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor();
        exec("docker", "rm", "-f", container);
    }

    static String exec(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "ERR timeout " + String.join(" ", cmd);
            }
            return p.exitValue() == 0 ? out : "ERR " + p.exitValue() + " " + out;
        } catch (Exception e) {
            return "ERR " + e.getMessage();
        }
    }
}
