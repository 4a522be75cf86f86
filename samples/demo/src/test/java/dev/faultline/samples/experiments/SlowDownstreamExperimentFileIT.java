package dev.faultline.samples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code samples/experiments/slow-downstream/experiment.json} run by {@code faultline experiment run} (the built CLI
 * jar) against two local hello-service JVMs with the agent: every fault is armed through JMX, the connect errors on
 * both replicas break the hypothesis ({@code deviated: true}), the rollback's halt-all ran, and nothing stays armed.
 * Needs only a JDK.
 */
class SlowDownstreamExperimentFileIT {

    @Test
    void theConnectErrorsBreakTheHypothesisTheLatenciesDoNot() throws Exception {
        Path cli = TestEnvironment.requireFile(
                TestEnvironment.files().home().resolve("cli/target/faultline.jar"),
                "build it with `mvn -B -q -DskipTests package`");
        TestEnvironment.agentJar();
        Path file = TestEnvironment.files().home().resolve("samples/experiments/slow-downstream/experiment.json");
        try (ExperimentFleet fleet = ExperimentFleet.startLocal(2, 40)) {
            Path dir = Files.createTempDirectory("faultline-slow-downstream");
            Path journalFile = dir.resolve("journal.json");
            ProcessBuilder pb = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            cli.toString(),
                            "experiment",
                            "run",
                            file.toString(),
                            "--hypothesis-strategy",
                            "continuously",
                            "--hypothesis-frequency",
                            "1s",
                            "--journal-path",
                            journalFile.toString(),
                            "--report",
                            dir.resolve("report.html").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("run.log").toFile());
            pb.environment().putAll(fleet.environment());
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("experiment run did not end: " + Files.readString(dir.resolve("run.log")));
            }
            String log = Files.readString(dir.resolve("run.log"));
            System.out.println("== slow-downstream, exit " + p.exitValue() + "\n" + log);
            Map<?, ?> journal = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(Files.readString(journalFile, StandardCharsets.UTF_8));
            for (Object r : (List<?>) journal.get("run")) {
                assertEquals("succeeded", ((Map<?, ?>) r).get("status"), "every fault was armed through JMX: " + r);
            }
            assertEquals(3, ((List<?>) journal.get("run")).size());
            assertEquals(Boolean.TRUE, journal.get("deviated"), log);
            Map<?, ?> steady = (Map<?, ?>) journal.get("steady_states");
            assertEquals(
                    Boolean.TRUE,
                    ((Map<?, ?>) steady.get("before")).get("steady_state_met"),
                    "the steady state held before any fault");
            List<Double> rates = new ArrayList<>();
            for (Object h : (List<?>) steady.get("during")) {
                for (Object probe : (List<?>) ((Map<?, ?>) h).get("probes")) {
                    if (((Map<?, ?>) probe).get("output") instanceof Map<?, ?> o)
                        rates.add(
                                Double.parseDouble(String.valueOf(o.get("body")).strip()));
                }
            }
            assertTrue(
                    rates.stream().anyMatch(r -> r < 0.99),
                    "a probe measured under 99% during the connect errors: " + rates);
            List<?> rollbacks = (List<?>) journal.get("rollbacks");
            assertEquals(1, rollbacks.size());
            assertEquals("succeeded", ((Map<?, ?>) rollbacks.get(0)).get("status"), rollbacks.toString());
            System.out.println("slow-downstream experiment file: success rates measured during the method " + rates);
        }
    }
}
