package dev.faultline.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.cli.experiment.ExperimentFile;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A {@code chaosprometheus.probes.query} hypothesis evaluated by {@code faultline experiment run} against a real
 * Prometheus server scraping a forked agent JVM's {@code /metrics}: {@code sum(rate(faultline_injections_total[15s]))}
 * is 0 before the fault and leaves its range while the fault injects, which aborts the continuously checked run.
 */
class PrometheusProbeIT {
    @Test
    void aPrometheusQueryHypothesisHoldsBeforeTheFaultAndDeviatesDuringIt() throws Exception {
        Prometheus.require();
        Path dir = Files.createTempDirectory("faultline-cli-prometheus");
        int jmxPort = Processes.freePort();
        int metricsPort = Processes.freePort();
        String testClasses = new File(ProbedService.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .getAbsolutePath();
        Process service = new ProcessBuilder(
                        Processes.JAVA,
                        "-XX:TieredStopAtLevel=1",
                        "-javaagent:" + Processes.AGENT_JAR + "=jmx.port=" + jmxPort + ",jmx.auth.dir=" + dir
                                + ",metrics.port=" + metricsPort,
                        "-cp",
                        testClasses,
                        ProbedService.class.getName())
                .redirectError(dir.resolve("service.log").toFile())
                .start();
        Thread load = null;
        try (AutoCloseable stopService = service::destroyForcibly) {
            BufferedReader r = new BufferedReader(new InputStreamReader(service.getInputStream()));
            String line;
            do {
                line = r.readLine();
            } while (line != null && !line.startsWith("READY "));
            if (line == null)
                throw new AssertionError("service did not start: " + Files.readString(dir.resolve("service.log")));
            int httpPort = Integer.parseInt(line.split(" ")[1]);
            int downstreamPort = Integer.parseInt(line.split(" ")[2]);
            Processes.await(jmxPort, dir).close();
            load = traffic(httpPort);
            try (Prometheus prometheus = new Prometheus(dir, List.of("127.0.0.1:" + metricsPort))) {
                String query = "sum(rate(faultline_injections_total[15s]))";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String answer;
                do {
                    Thread.sleep(500);
                    answer = prometheus.query(query);
                } while (!answer.contains("\"value\"") && System.nanoTime() < deadline);
                assertTrue(answer.contains("\"value\""), "Prometheus has the agent's series: " + answer);
                System.out.println("Prometheus on 127.0.0.1:" + prometheus.port + " scraping the agent's /metrics on "
                        + metricsPort + ": " + answer);
                Path file = Files.writeString(dir.resolve("prometheus.json"), """
                        {"title": "no injections while the hypothesis holds", "description": "a Prometheus-probe hypothesis",
                         "configuration": {"prometheus_base_url": "%s"},
                         "steady-state-hypothesis": {"title": "the agent injects nothing", "probes": [
                           {"type": "probe", "name": "injection-rate", "tolerance": {"type": "range", "range": [0, 0.5]},
                            "provider": {"type": "python", "module": "chaosprometheus.probes", "func": "query",
                                         "arguments": {"query": "%s"}}}]},
                         "method": [
                           {"type": "action", "name": "refuse-downstream", "pauses": {"after": 40},
                            "provider": {"type": "process", "path": "faultline",
                                         "arguments": ["agent", "add", "--jmx", "127.0.0.1:%d", "--credentials-dir", "%s", "error", "on=connect", "port=%d"]}}],
                         "rollbacks": []}
                        """.formatted(
                                prometheus.baseUrl(), query, jmxPort, dir, downstreamPort));
                Path journalFile = dir.resolve("prometheus-journal.json");
                Processes.Run run = Processes.cli(
                        "experiment",
                        "run",
                        file.toString(),
                        "--hypothesis-strategy",
                        "continuously",
                        "--hypothesis-frequency",
                        "1s",
                        "--fail-fast",
                        "--journal-path",
                        journalFile.toString(),
                        "--report",
                        dir.resolve("prometheus.html").toString());
                System.out.println(run.out() + run.err());
                assertEquals(1, run.exit(), run.out() + run.err());
                Map<?, ?> journal = (Map<?, ?>) ExperimentFile.parse(Files.readString(journalFile));
                assertEquals("aborted", journal.get("status"));
                assertEquals(Boolean.TRUE, journal.get("deviated"));
                Map<?, ?> steady = (Map<?, ?>) journal.get("steady_states");
                Map<?, ?> before = (Map<?, ?>) steady.get("before");
                assertEquals(Boolean.TRUE, before.get("steady_state_met"));
                double beforeValue = sample((Map<?, ?>) ((List<?>) before.get("probes")).get(0));
                assertEquals(0.0, beforeValue, "no injection before the fault, as Prometheus answered");
                List<?> during = (List<?>) steady.get("during");
                Map<?, ?> last =
                        (Map<?, ?>) ((List<?>) ((Map<?, ?>) during.get(during.size() - 1)).get("probes")).get(0);
                assertEquals(Boolean.FALSE, last.get("tolerance_met"));
                double duringValue = sample(last);
                assertTrue(duringValue > 0.5, "the rate Prometheus computed from the agent's counter: " + duringValue);
                Instant armed = Instant.parse((String) ((Map<?, ?>) ((List<?>) journal.get("run")).get(0)).get("end"));
                long lag = Duration.between(armed, Instant.parse((String) journal.get("first_deviation")))
                        .toMillis();
                System.out.println("Prometheus probe: before " + beforeValue + "/s; deviating " + duringValue + "/s, "
                        + lag + " ms after the fault was armed (1 s scrape, 1 s hypothesis period)");
                assertTrue(lag < 15_000, "deviated while the fault injected: " + lag);
                assertEquals(Boolean.TRUE, ((Map<?, ?>) ((List<?>) journal.get("cleanup")).get(0)).get("removed"));
            }
        } finally {
            if (load != null) load.interrupt();
            service.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static double sample(Map<?, ?> probe) {
        Map<?, ?> out = (Map<?, ?>) probe.get("output");
        List<?> result = (List<?>) ((Map<?, ?>) out.get("data")).get("result");
        return Double.parseDouble(String.valueOf(((List<?>) ((Map<?, ?>) result.get(0)).get("value")).get(1)));
    }

    /** Ten /health calls a second: each connects to the downstream, which the fault refuses (an injection each). */
    private static Thread traffic(int httpPort) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Thread t = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding());
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            // keep going
                        }
                    }
                },
                "traffic");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
