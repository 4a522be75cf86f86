package dev.faultline.samples.fleet;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * hello-service replicas as containers of the sample image, on their own bridge network with a downstream
 * container (the same image with no downstream of its own). Replicas run with {@code --restart always}, as
 * pods do under Kubernetes, so a replica whose process dies comes back; each publishes its HTTP port (and,
 * if asked, its agent's JMX port) on 127.0.0.1 only, at a fixed host port so it comes back on the same one.
 */
public final class DockerFleet implements Fleet {

    public static final String IMAGE = "faultline/hello-service:local";
    /** The replicas' HTTP port inside their containers. */
    public static final int SERVICE_PORT = 8080;
    /** The downstream's port: different from the replicas' own, so a {@code port=} selector names only it. */
    public static final int DOWNSTREAM_PORT = 8081;

    /** Where a replica finds the JMX password file the fleet mounts into it. */
    static final String JMX_PASSWORD_FILE = "/etc/faultline/jmx.password";

    private final String runId;
    private final String prefix;
    private FleetCredentials credentials;
    private final List<Replica> replicas = new ArrayList<>();

    private DockerFleet(String runId) {
        this.runId = runId;
        this.prefix = "faultline-samples-" + runId + "-";
    }

    /** Builds the sample image from samples/hello-service (its Dockerfile and the jars Maven put in target/). */
    public static void buildImage(SampleFiles files, String baseImage) {
        SampleFiles.requireBuilt(files.helloServiceDir().resolve("target/hello-service.jar"));
        SampleFiles.requireBuilt(files.helloServiceDir().resolve("target/faultline-agent.jar"));
        Docker.call(
                Duration.ofMinutes(10),
                "build",
                "-q",
                "-t",
                IMAGE,
                "--build-arg",
                "BASE_IMAGE=" + baseImage,
                files.helloServiceDir().toString());
    }

    /**
     * The base image to build on: the locally built one where it exists (no registry needed), else the
     * Dockerfile's default public JRE image.
     */
    public static String baseImage() {
        String configured = System.getProperty("faultline.baseImage", System.getenv("FAULTLINE_BASE_IMAGE"));
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return Docker.imageExists("faultline/jre-base:local") ? "faultline/jre-base:local" : "eclipse-temurin:17-jre";
    }

    /**
     * @param withJmx publish each replica's agent JMX connector on 127.0.0.1 (same port inside and out,
     *                because the RMI stub the connector hands out names that port)
     */
    public static DockerFleet start(int count, boolean withJmx) {
        DockerFleet fleet = new DockerFleet(UUID.randomUUID().toString().substring(0, 8));
        // a demo stopped with Ctrl-C or SIGTERM removes its containers too (close() is idempotent)
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                Docker.removeLabelled(fleet.runId);
                            } catch (RuntimeException e) {
                                System.err.println("could not remove the demo's containers (label " + fleet.runId
                                        + "): " + e.getMessage());
                            }
                        },
                        "faultline-fleet-cleanup"));
        try {
            String network = fleet.prefix + "net";
            Docker.call("network", "create", "--label", label(fleet.runId), network);
            Docker.call(
                    "run",
                    "-d",
                    "--name",
                    fleet.prefix + "downstream",
                    "--network",
                    network,
                    "--network-alias",
                    "downstream",
                    "--label",
                    label(fleet.runId),
                    IMAGE,
                    "--port",
                    String.valueOf(DOWNSTREAM_PORT),
                    "--name",
                    "downstream");
            for (int i = 1; i <= count; i++) {
                String name = fleet.prefix + "replica-" + i;
                int httpPort = Ports.free();
                int jmxPort = withJmx ? Ports.free() : -1;
                List<String> run = new ArrayList<>(List.of(
                        "run",
                        "-d",
                        "--name",
                        name,
                        "--network",
                        network,
                        "--restart",
                        "always",
                        "--label",
                        label(fleet.runId),
                        "-p",
                        "127.0.0.1:" + httpPort + ":" + SERVICE_PORT));
                if (withJmx) {
                    run.addAll(List.of(
                            "-p",
                            "127.0.0.1:" + jmxPort + ":" + jmxPort,
                            "-v",
                            fleet.jmxPasswordFile() + ":" + JMX_PASSWORD_FILE + ":ro",
                            "-e",
                            "FAULTLINE_AGENT_OPTS=" + containerAgentOptions(jmxPort)));
                }
                run.addAll(List.of(
                        IMAGE,
                        "--port",
                        String.valueOf(SERVICE_PORT),
                        "--downstream",
                        "http://downstream:" + DOWNSTREAM_PORT + "/hello",
                        "--name",
                        "replica-" + i));
                Docker.call(run.toArray(String[]::new));
                fleet.replicas.add(new Replica(name, URI.create("http://127.0.0.1:" + httpPort), jmxPort));
            }
            for (Replica r : fleet.replicas) {
                Ports.awaitHealthy(r.http(), Duration.ofSeconds(60), r.name());
            }
            return fleet;
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    /**
     * The agent options for a container whose JMX port is published: the connector must listen beyond the
     * container's loopback for the published port to reach it (the image's JAVA_OPTS make its stubs name
     * 127.0.0.1), and an agent listening beyond loopback insists on a password file.
     */
    static String containerAgentOptions(int jmxPort) {
        return "jmx.port=" + jmxPort + ",jmx.host=0.0.0.0,jmx.auth=" + JMX_PASSWORD_FILE;
    }

    /** A password file made for this fleet only (a fresh random password), readable by its owner only. */
    private Path jmxPasswordFile() {
        if (credentials == null)
            credentials =
                    new FleetCredentials(Path.of(System.getProperty("java.io.tmpdir"), "faultline-samples-" + runId));
        return credentials.file();
    }

    @Override
    public String[] jmxCredentials() {
        return credentials == null ? null : credentials.asArray();
    }

    private static String label(String runId) {
        return Docker.LABEL + "=" + runId;
    }

    public String runId() {
        return runId;
    }

    /** A {@code re2:} pattern that matches this fleet's replicas and nothing else (not its downstream). */
    public String replicaPattern() {
        return "re2:^" + prefix + "replica-";
    }

    @Override
    public List<Replica> replicas() {
        return List.copyOf(replicas);
    }

    @Override
    public int downstreamPort() {
        return DOWNSTREAM_PORT;
    }

    /** Waits until every replica runs and answers /health again (the restart policy brought it back). */
    public void awaitRecovered(Duration patience) {
        for (Replica r : replicas) {
            Ports.awaitHealthy(r.http(), patience, r.name() + " after the chaos");
        }
    }

    /** Restarts as the engine counts them ({@code RestartCount}), summed over the replicas: Kubernetes' RESTARTS. */
    public int restarts() {
        int total = 0;
        for (Replica r : replicas) {
            total += Integer.parseInt(Docker.call("inspect", "--format", "{{.RestartCount}}", r.name())
                    .strip());
        }
        return total;
    }

    /** Replica containers that died between the two instants, one entry per death, as the engine's events tell. */
    public List<String> deaths(Instant since, Instant until) {
        String out = Docker.call(
                "events",
                "--since",
                String.valueOf(since.getEpochSecond()),
                "--until",
                String.valueOf(until.getEpochSecond() + 1),
                "--filter",
                "label=" + label(runId),
                "--filter",
                "event=die",
                "--format",
                "{{.Actor.Attributes.name}} exitCode={{.Actor.Attributes.exitCode}}");
        List<String> deaths = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith(prefix + "replica-")) {
                deaths.add(line.strip());
            }
        }
        return deaths;
    }

    @Override
    public void close() {
        Docker.removeLabelled(runId);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "faultline-samples-" + runId);
        try {
            if (credentials != null) credentials.delete();
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
