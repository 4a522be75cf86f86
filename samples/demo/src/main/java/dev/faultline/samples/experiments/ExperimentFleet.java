package dev.faultline.samples.experiments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.faultline.samples.fleet.DockerFleet;
import dev.faultline.samples.fleet.Fleet;
import dev.faultline.samples.fleet.LocalFleet;
import dev.faultline.samples.fleet.Replica;
import dev.faultline.samples.fleet.SampleFiles;
import dev.faultline.samples.gateway.RoundRobinGateway;
import dev.faultline.samples.load.LoadGenerator;
import dev.faultline.samples.load.LoadReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code samples/experiments/replicas/experiment.json} runs against: N hello-service replicas as containers
 * (restart policy always) behind the round-robin gateway — or, with {@code --local}, as local JVMs with the agent
 * attached, what {@code samples/experiments/slow-downstream/experiment.json} arms faults in through JMX — and a small
 * HTTP server for the experiments' probes:
 * {@code GET /success-rate?seconds=S} sends the load generator's traffic through the gateway for S seconds and answers
 * the measured success rate as the body (a plain number, so a {@code range} tolerance with {@code target: body}
 * reads it; requests, successes, p99 and the gateway's retries in {@code X-} headers); {@code GET /recovered} waits
 * until every replica is up again (the rollback). Every number is measured when asked, none is assumed.
 *
 * <pre>java -cp samples/demo/target/faultline-demo.jar dev.faultline.samples.experiments.ExperimentFleet --replicas 5</pre>
 * prints {@code FAULTLINE_FLEET_URL=…} and {@code FAULTLINE_REPLICAS_PATTERN=…} (the variables the experiment file
 * reads; with {@code --local}: {@code FAULTLINE_JMX_<i>}, {@code FAULTLINE_PASSWORD_FILE}, {@code FAULTLINE_DOWNSTREAM_PORT}) and runs until its standard input closes (or SIGINT/SIGTERM), then removes its containers.
 */
public final class ExperimentFleet implements AutoCloseable {
    private final Fleet fleet;
    private final RoundRobinGateway gateway;
    private final LoadGenerator load;
    private final HttpServer http;
    private Path passwordFile;

    private ExperimentFleet(Fleet fleet, RoundRobinGateway gateway, LoadGenerator load, HttpServer http) {
        this.fleet = fleet;
        this.gateway = gateway;
        this.load = load;
        this.http = http;
    }

    /** Replicas as containers (Docker), the gateway's timeout that of the replicas experiment. */
    public static ExperimentFleet start(int replicas, int ratePerSecond) throws IOException {
        return start(DockerFleet.start(replicas, false), ReplicasExperiment.GATEWAY_TIMEOUT, ratePerSecond);
    }

    /** Replicas as local JVMs with the agent (only a JDK), the gateway's timeout that of the slow-downstream tour. */
    public static ExperimentFleet startLocal(int replicas, int ratePerSecond) throws IOException {
        return start(
                LocalFleet.start(SampleFiles.locate(), replicas),
                SlowDownstreamExperiment.GATEWAY_TIMEOUT,
                ratePerSecond);
    }

    private static ExperimentFleet start(Fleet fleet, Duration gatewayTimeout, int ratePerSecond) throws IOException {
        RoundRobinGateway gateway = null;
        try {
            gateway = new RoundRobinGateway(
                    fleet.replicas().stream().map(Replica::http).toList(), gatewayTimeout);
            LoadGenerator load = new LoadGenerator(
                    URI.create(gateway.uri() + "/hello?name=experiment"), ratePerSecond, Duration.ofSeconds(3));
            load.run(Duration.ofSeconds(1)); // warm-up, not measured
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ExperimentFleet f = new ExperimentFleet(fleet, gateway, load, http);
            http.createContext("/success-rate", f::successRate);
            http.createContext("/recovered", f::recovered);
            http.start();
            return f;
        } catch (IOException | RuntimeException e) {
            if (gateway != null) gateway.close();
            fleet.close();
            throw e;
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** The sidecar's target pattern for this fleet's replicas (not its downstream); containers only. */
    public String replicaPattern() {
        return fleet instanceof DockerFleet d ? d.replicaPattern() : null;
    }

    /** What the experiment files read from the environment. */
    public Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FAULTLINE_FLEET_URL", uri().toString());
        if (fleet instanceof DockerFleet d) {
            env.put("FAULTLINE_REPLICAS_PATTERN", d.replicaPattern());
            env.put("FAULTLINE_SIDECAR_JAR", SampleFiles.locate().sidecarJar().toString());
        } else {
            for (int i = 0; i < fleet.replicas().size(); i++) {
                env.put(
                        "FAULTLINE_JMX_" + (i + 1),
                        fleet.jmxHost() + ":" + fleet.replicas().get(i).jmxPort());
            }
            env.put("FAULTLINE_PASSWORD_FILE", passwordFile().toString());
            env.put("FAULTLINE_DOWNSTREAM_PORT", Integer.toString(fleet.downstreamPort()));
        }
        return env;
    }

    /** The agents' credentials as a password file for {@code faultline --password-file} (owner-only, removed on close). */
    private synchronized Path passwordFile() throws IOException {
        if (passwordFile == null) {
            String[] c = fleet.jmxCredentials();
            Path dir = Files.createTempDirectory(
                    "faultline-experiment-fleet",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            passwordFile = Files.writeString(dir.resolve("jmx.password"), c[0] + " " + c[1] + "\n");
        }
        return passwordFile;
    }

    private synchronized void successRate(HttpExchange ex) throws IOException {
        String q = ex.getRequestURI().getQuery();
        double seconds = q != null && q.matches("seconds=\\d+(\\.\\d+)?") ? Double.parseDouble(q.substring(8)) : 3;
        long retriesBefore = gateway.retries();
        LoadReport r = load.run(Duration.ofMillis((long) (Math.min(seconds, 30) * 1000)));
        ex.getResponseHeaders().add("X-Requests", Integer.toString(r.requests()));
        ex.getResponseHeaders().add("X-Successes", Integer.toString(r.successes()));
        ex.getResponseHeaders().add("X-P99-Ms", String.format(Locale.ROOT, "%.1f", r.p99Millis()));
        ex.getResponseHeaders().add("X-Gateway-Retries", Long.toString(gateway.retries() - retriesBefore));
        answer(ex, 200, String.format(Locale.ROOT, "%.4f", r.successRate()));
    }

    private void recovered(HttpExchange ex) throws IOException {
        if (!(fleet instanceof DockerFleet d)) {
            answer(ex, 404, "local replicas are not restarted");
            return;
        }
        try {
            d.awaitRecovered(Duration.ofSeconds(60));
            answer(ex, 200, "every replica is up; restarts so far: " + d.restarts());
        } catch (RuntimeException e) {
            answer(ex, 503, "not recovered: " + e.getMessage());
        }
    }

    private static void answer(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        http.stop(0);
        load.close();
        gateway.close();
        fleet.close();
        if (passwordFile != null) {
            try {
                Files.deleteIfExists(passwordFile);
                Files.deleteIfExists(passwordFile.getParent());
            } catch (IOException ignored) {
                // a private temp dir
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int replicas = 5;
        int rate = 40;
        boolean build = false;
        boolean local = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--build-image" -> build = true;
                case "--local" -> local = true;
                default -> {
                    System.err.println("usage: ExperimentFleet [--replicas N] [--rate N] [--build-image] [--local]");
                    System.exit(2);
                }
            }
        }
        if (build) DockerFleet.buildImage(SampleFiles.locate(), DockerFleet.baseImage());
        try (ExperimentFleet f = local ? startLocal(replicas, rate) : start(replicas, rate)) {
            f.environment().forEach((k, v) -> System.out.println(k + "=" + v));
            System.out.flush();
            while (System.in.read() >= 0) {
                // until stdin closes
            }
        }
    }
}
