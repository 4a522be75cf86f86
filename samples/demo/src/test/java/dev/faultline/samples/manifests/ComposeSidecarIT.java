package dev.faultline.samples.manifests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import dev.faultline.samples.experiments.TestEnvironment;
import dev.faultline.samples.fleet.Docker;
import dev.faultline.samples.fleet.DockerFleet;
import dev.faultline.samples.fleet.Ports;
import dev.faultline.samples.fleet.Replica;
import dev.faultline.samples.fleet.SampleFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose file's node-mode sidecar, run for real: a container started with exactly that service's image,
 * PID mode, capabilities, mounts and command (only its JMX port moved to a free one, the same number in the
 * command and the published port), driven over JMX against a replica.
 */
class ComposeSidecarIT {

    /** The Engine-API path: the socket mount and the published JMX port, as composed. */
    @Test
    void nodeModeSidecarAsComposedKillsAReplicaThroughTheEngineSocket() throws Exception {
        try (DockerFleet fleet = DockerFleet.start(1, false)) {
            Replica replica = fleet.replicas().get(0);
            String id = runOverJmx(
                    startComposedSidecar(fleet), composedCredentials(), "kill --signal SIGKILL " + replica.name());
            String state = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!state.startsWith("exited") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                state = Docker.call(
                        "inspect",
                        "--format",
                        "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}",
                        replica.name());
            }
            // Docker's restart policy ignores an Engine-API kill: exited with 137, never restarted.
            assertTrue(
                    state.equals("exited 137 0"),
                    "run(\"kill --signal SIGKILL …\") (id " + id
                            + ") through the composed sidecar should leave " + replica.name()
                            + " exited 137, not restarted; state "
                            + state + "\nsidecar log:\n" + sidecarLog(fleet));
        }
    }

    /** The host-PID path: {@code pid: host} as composed, and the restart policy bringing the replica back. */
    @Test
    void nodeModeSidecarAsComposedCrashesAReplicaThatComesBack() throws Exception {
        try (DockerFleet fleet = DockerFleet.start(1, false)) {
            Replica replica = fleet.replicas().get(0);
            String id = runOverJmx(
                    startComposedSidecar(fleet), composedCredentials(), "crash --signal SIGKILL " + replica.name());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (fleet.restarts() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(
                    fleet.restarts() >= 1,
                    "run(\"crash …\") (id " + id + ") through the composed sidecar should crash "
                            + replica.name() + " and its restart policy restart it; RestartCount " + fleet.restarts()
                            + "\nsidecar log:\n" + sidecarLog(fleet));
            fleet.awaitRecovered(Duration.ofSeconds(60));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws Exception {
        return new Yaml()
                .load(Files.readString(TestEnvironment.files().home().resolve("samples/compose/docker-compose.yml")));
    }

    /** The compose file's secret named {@code name}, as a file on this host. */
    @SuppressWarnings("unchecked")
    private static Path composedSecret(String name) throws Exception {
        Map<String, Object> secret =
                ((Map<String, Map<String, Object>>) compose().get("secrets")).get(name);
        return TestEnvironment.files().home().resolve("samples/compose").resolve((String) secret.get("file"));
    }

    private static Credentials composedCredentials() throws Exception {
        return Credentials.read(composedSecret("jmx.password"));
    }

    /**
     * Starts the compose file's chaos-node service as {@code docker run} with its image, PID mode, capabilities,
     * volumes, secrets, ports and command; only the JMX port moves to a free one. Returns that port.
     */
    @SuppressWarnings("unchecked")
    private static int startComposedSidecar(DockerFleet fleet) throws Exception {
        Map<String, Object> node = ((Map<String, Map<String, Object>>) compose().get("services")).get("chaos-node");
        List<String> command = new ArrayList<>((List<String>) node.get("command"));
        int composedPort = Integer.parseInt(command.get(command.indexOf("--jmx-port") + 1));
        int port = Ports.free();
        command.set(command.indexOf("--jmx-port") + 1, String.valueOf(port));
        List<String> run = new ArrayList<>(List.of(
                "run",
                "-d",
                "--name",
                sidecarName(fleet),
                "--label",
                Docker.LABEL + "=" + fleet.runId(),
                "--pid",
                (String) node.get("pid")));
        for (String cap : (List<String>) node.get("cap_add")) {
            run.addAll(List.of("--cap-add", cap));
        }
        for (String volume : (List<String>) node.get("volumes")) {
            // a named volume (the journal) gets this run's name, and is removed with the run's containers
            String named = volume.startsWith("/") ? volume : "faultline-samples-" + fleet.runId() + "-" + volume;
            if (!volume.startsWith("/")) VOLUMES.add(named.substring(0, named.indexOf(':')));
            run.addAll(List.of("-v", named));
        }
        for (String secret : (List<String>) node.getOrDefault("secrets", List.of())) {
            run.addAll(List.of("-v", composedSecret(secret) + ":/run/secrets/" + secret + ":ro"));
        }
        for (Object p : (List<Object>) node.get("ports")) {
            run.addAll(List.of("-p", String.valueOf(p).replace(String.valueOf(composedPort), String.valueOf(port))));
        }
        run.add((String) node.get("image"));
        run.addAll(command);
        Docker.call(run.toArray(String[]::new));
        return port;
    }

    private static final List<String> VOLUMES = new ArrayList<>();

    private static String sidecarName(DockerFleet fleet) {
        return "faultline-samples-" + fleet.runId() + "-chaos-node";
    }

    private static String sidecarLog(DockerFleet fleet) throws Exception {
        Docker.Result r = Docker.run(List.of("logs", sidecarName(fleet)), Duration.ofSeconds(10));
        return r.out() + r.err();
    }

    @BeforeAll
    static void buildImages() {
        TestEnvironment.requireDocker();
        TestEnvironment.agentJar();
        TestEnvironment.sidecarJar();
        String base = TestEnvironment.baseImage();
        SampleFiles files = TestEnvironment.files();
        DockerFleet.buildImage(files, base);
        Docker.call(
                Duration.ofMinutes(10),
                "build",
                "-q",
                "-t",
                SidecarCommandLine.IMAGE,
                "--build-arg",
                "BASE_IMAGE=" + base,
                files.home().resolve("sidecar").toString());
    }

    private static String runOverJmx(int port, Credentials credentials, String words) throws Exception {
        try (JMXConnector connector = JmxClient.await("127.0.0.1", port, credentials, 60_000)) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            return (String) mbeans.invoke(
                    new ObjectName("dev.faultline:type=Sidecar"), "run", new Object[] {words}, new String[] {
                        String.class.getName()
                    });
        }
    }

    @AfterAll
    static void removeLeftovers() {
        if (Docker.unavailableReason().isEmpty()) {
            Docker.removeLabelled(null);
            for (String v : VOLUMES) {
                try {
                    Docker.run(List.of("volume", "rm", "-f", v), Duration.ofSeconds(30));
                } catch (IOException e) {
                    System.out.println("[compose-sidecar-it] could not remove volume " + v + ": " + e);
                }
            }
        }
    }
}
