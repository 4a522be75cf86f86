package dev.faultline.samples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.samples.control.SidecarChaos;
import dev.faultline.samples.fleet.Docker;
import dev.faultline.samples.fleet.DockerFleet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code samples/experiments/replicas/experiment.json} run by {@code faultline experiment run} (the built CLI jar)
 * against real containers: with 1 replica the journal says {@code deviated: true} and the rollback ran; with 5 it
 * completes. The success rates asserted are read from the journal's probe outputs.
 */
class ReplicasExperimentFileIT {

    @Test
    void oneReplicaDeviatesAndRollsBackFiveComplete() throws Exception {
        TestEnvironment.requireDocker();
        Path sidecar = TestEnvironment.sidecarJar();
        Path cli = TestEnvironment.requireFile(
                TestEnvironment.files().home().resolve("cli/target/faultline.jar"),
                "build it with `mvn -B -q -DskipTests package`");
        if (!SidecarChaos.runsAsRoot()) {
            TestEnvironment.skipOrFail("the sidecar's crash signals container processes from the host: run as root");
        }
        DockerFleet.buildImage(TestEnvironment.files(), TestEnvironment.baseImage());
        Path file = TestEnvironment.files().home().resolve("samples/experiments/replicas/experiment.json");

        Map<?, ?> one = run(cli, sidecar, file, 1);
        assertEquals("failed", one.get("status"));
        assertEquals(Boolean.TRUE, one.get("deviated"));
        List<Double> oneRates = rates(one);
        assertTrue(oneRates.stream().anyMatch(r -> r < 0.95), "a probe measured under 95% with 1 replica: " + oneRates);
        List<?> rollbacks = (List<?>) one.get("rollbacks");
        assertEquals(1, rollbacks.size(), "the rollback ran");
        assertEquals("succeeded", ((Map<?, ?>) rollbacks.get(0)).get("status"), rollbacks.toString());

        Map<?, ?> five = run(cli, sidecar, file, 5);
        assertEquals("completed", five.get("status"));
        assertEquals(Boolean.FALSE, five.get("deviated"));
        List<Double> fiveRates = rates(five);
        assertTrue(
                fiveRates.size() >= 3 && fiveRates.stream().allMatch(r -> r >= 0.95),
                "every probe at or over 95% with 5: " + fiveRates);
        System.out.println("replicas experiment file: 1 replica, success rates measured by the probes " + oneRates
                + " -> deviated, rollback ran; 5 replicas " + fiveRates + " -> completed");
    }

    /** Starts the fleet, runs the experiment file with the CLI as a separate process, returns the journal's text. */
    private static Map<?, ?> run(Path cli, Path sidecar, Path file, int replicas) throws Exception {
        try (ExperimentFleet fleet = ExperimentFleet.start(replicas, 40)) {
            Path dir = Files.createTempDirectory("faultline-replicas-" + replicas);
            Path journal = dir.resolve("journal.json");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
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
                    journal.toString(),
                    "--report",
                    dir.resolve("report.html").toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("run.log").toFile());
            pb.environment().putAll(fleet.environment());
            pb.environment().put("FAULTLINE_SIDECAR_JAR", sidecar.toString());
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("experiment run did not end: " + Files.readString(dir.resolve("run.log")));
            }
            String log = Files.readString(dir.resolve("run.log"));
            System.out.println("== " + replicas + " replica(s), exit " + p.exitValue() + "\n" + log);
            assertTrue(Files.exists(journal), log);
            return (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(Files.readString(journal, StandardCharsets.UTF_8));
        }
    }

    /** Every success rate a hypothesis probe measured (its HTTP body), before, during and after, in that order. */
    private static List<Double> rates(Map<?, ?> journal) {
        List<Double> out = new ArrayList<>();
        Map<?, ?> steady = (Map<?, ?>) journal.get("steady_states");
        List<Object> hypotheses = new ArrayList<>();
        if (steady.get("before") != null) hypotheses.add(steady.get("before"));
        hypotheses.addAll((List<?>) steady.get("during"));
        if (steady.get("after") != null) hypotheses.add(steady.get("after"));
        for (Object h : hypotheses) {
            for (Object p : (List<?>) ((Map<?, ?>) h).get("probes")) {
                if (((Map<?, ?>) p).get("output") instanceof Map<?, ?> o)
                    out.add(Double.parseDouble(String.valueOf(o.get("body")).strip()));
            }
        }
        return out;
    }

    @AfterAll
    static void removeLeftovers() {
        if (Docker.unavailableReason().isEmpty()) {
            Docker.removeLabelled(null);
        }
    }
}
