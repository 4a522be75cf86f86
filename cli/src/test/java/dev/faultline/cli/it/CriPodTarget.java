package dev.faultline.cli.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Assumptions;

/**
 * A real sidecar daemon from the built jar and a pod on the private containerd of {@code .ci/containerd.sh}, made as
 * kubelet makes one by {@code resources/it/CriPod.java} (run against the sidecar jar, which holds the CRI client):
 * the container {@code <namespace>/<pod>/app} running sleep. What the pod's network holds is read from outside both,
 * with the host's {@code tc} and {@code iptables-save} in the pod's namespace. {@link #close()} stops the daemon and
 * removes the pod.
 */
final class CriPodTarget implements AutoCloseable {
    static final String ENDPOINT =
            System.getProperty("faultline.cri.endpoint", "unix:///run/faultline-cri/containerd.sock");

    final String namespace = "shop";
    final String pod = "faultline-cli-it-" + UUID.randomUUID().toString().substring(0, 8);
    final int jmxPort;
    final Path dir;
    private final Process kubelet;
    private final String netns;
    private final Process daemon;

    private CriPodTarget() throws Exception {
        dir = Files.createTempDirectory("faultline-cli-cri-target");
        String helper = Path.of(
                        CriPodTarget.class.getResource("/it/CriPod.java").toURI())
                .toString();
        kubelet = new ProcessBuilder(Processes.JAVA, "-cp", Processes.SIDECAR_JAR, helper, ENDPOINT, namespace, pod)
                .redirectError(dir.resolve("cri-pod.err").toFile())
                .start();
        Process started = null;
        try {
            InputStreamReader stdout = new InputStreamReader(kubelet.getInputStream(), StandardCharsets.UTF_8);
            BufferedReader out = new BufferedReader(stdout);
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                throw new AssertionError("no pod: " + Files.readString(dir.resolve("cri-pod.err")));
            }
            netns = ready.substring("READY ".length());
            jmxPort = Processes.freePort();
            // the runtime is the daemon's start-up flag: run()'s words may not choose it
            ProcessBuilder pb = new ProcessBuilder(
                            Processes.JAVA,
                            "-XX:TieredStopAtLevel=1",
                            "-jar",
                            Processes.SIDECAR_JAR,
                            "--runtime-endpoint",
                            ENDPOINT,
                            "daemon",
                            "--jmx-port",
                            Integer.toString(jmxPort))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sidecar-" + jmxPort + ".log").toFile());
            pb.environment().put("FAULTLINE_JOURNAL", dir.resolve("journal").toString());
            started = pb.start();
            daemon = started;
            Processes.await(jmxPort, dir).close();
        } catch (Exception | AssertionError e) {
            if (started != null) started.destroyForcibly();
            removePod();
            throw e;
        }
    }

    /** Skips with the reason without root or the private containerd; under CI that is a failure. */
    static CriPodTarget require() throws Exception {
        String why = null;
        if (!SidecarTarget.exec("id", "-u").strip().equals("0")) {
            why = "not root: pod sandboxes, cgroups, nsenter";
        } else if (!Files.exists(Path.of(ENDPOINT.substring("unix://".length())))) {
            why = "no CRI socket at " + ENDPOINT + " (.ci/containerd.sh start runs one)";
        }
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
        return new CriPodTarget();
    }

    /** The target as the sidecar names it on CRI. */
    String container() {
        return namespace + "/" + pod + "/app";
    }

    /** The pod's {@code tc qdisc show} and its rules from {@code iptables-save}, as seen from outside. */
    String network() {
        return "tc:\n" + SidecarTarget.exec("nsenter", "--net=" + netns, "--", "tc", "qdisc", "show")
                + "iptables:\n"
                + SidecarTarget.rules(SidecarTarget.exec("nsenter", "--net=" + netns, "--", "iptables-save"));
    }

    String[] list() throws Exception {
        try (JMXConnector c = Processes.await(jmxPort, dir)) {
            return (String[]) Processes.invoke(c, SidecarTarget.SIDECAR, "list");
        }
    }

    String log() throws Exception {
        return Processes.logs(dir);
    }

    private void removePod() throws Exception {
        kubelet.getOutputStream().close(); // the helper removes the pod at the end of its input
        if (!kubelet.waitFor(60, TimeUnit.SECONDS)) kubelet.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws Exception {
        daemon.destroy(); // SIGTERM: the daemon reverts what is still open, as it does at any stop
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor();
        removePod();
    }
}
