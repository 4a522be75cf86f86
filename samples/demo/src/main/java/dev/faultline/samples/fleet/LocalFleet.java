package dev.faultline.samples.fleet;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * hello-service replicas as local JVMs, each started with the built agent jar attached and its JMX
 * connector on a loopback port, all calling one {@link Downstream} in this JVM. Needs only a JDK.
 */
public final class LocalFleet implements Fleet {

    private final Downstream downstream;
    private final List<Process> processes = new ArrayList<>();
    private final List<Replica> replicas = new ArrayList<>();
    private final Path logs;
    private final FleetCredentials credentials;

    private LocalFleet(Downstream downstream, Path logs) {
        this.downstream = downstream;
        this.logs = logs;
        this.credentials = new FleetCredentials(logs);
    }

    public static LocalFleet start(SampleFiles files, int count) throws IOException {
        Path agent = SampleFiles.requireBuilt(files.agentJar());
        Path hello = SampleFiles.requireBuilt(files.helloServiceJar());
        LocalFleet fleet = new LocalFleet(new Downstream(), Files.createTempDirectory("faultline-samples"));
        try {
            for (int i = 1; i <= count; i++) {
                fleet.startReplica("replica-" + i, agent, hello);
            }
            for (int i = 0; i < fleet.replicas.size(); i++) {
                Replica r = fleet.replicas.get(i);
                Process p = fleet.processes.get(i);
                Ports.awaitHealthy(
                        r.http(),
                        Duration.ofSeconds(30),
                        r.name(),
                        () -> p.isAlive()
                                ? null
                                : "its JVM exited with " + p.exitValue() + "; its output:\n" + fleet.readLog(r.name()));
            }
            return fleet;
        } catch (RuntimeException | IOException e) {
            fleet.close();
            throw e;
        }
    }

    private void startReplica(String name, Path agent, Path hello) throws IOException {
        int httpPort = Ports.free();
        int jmxPort = Ports.free();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java,
                // Quick start-up and a small footprint: these are samples, not benchmarks.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-javaagent:" + agent + "=jmx.port=" + jmxPort + ",jmx.auth=" + credentials.file(),
                "-jar",
                hello.toString(),
                "--port",
                String.valueOf(httpPort),
                "--downstream",
                "http://127.0.0.1:" + downstream.port() + "/hello",
                "--name",
                name);
        pb.redirectErrorStream(true).redirectOutput(logOf(name).toFile());
        processes.add(pb.start());
        replicas.add(new Replica(name, URI.create("http://127.0.0.1:" + httpPort), jmxPort));
    }

    private String readLog(String replica) {
        try {
            return Files.readString(logOf(replica));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public Path logOf(String replica) {
        return logs.resolve(replica + ".log");
    }

    @Override
    public List<Replica> replicas() {
        return List.copyOf(replicas);
    }

    @Override
    public String[] jmxCredentials() {
        return credentials.asArray();
    }

    @Override
    public int downstreamPort() {
        return downstream.port();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        downstream.close();
        credentials.delete();
    }
}
