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
 * The README's main command, run as a newcomer would (java -jar), without the Docker part: it runs the slow-downstream
 * experiment file and prints the table of the journal it wrote. Every probe's value in the printed table, in order, is
 * the success rate that probe's output in the journal holds (read here, apart from the demo's own code).
 */
class DemoIT {

    @Test
    void demoRunsTheExperimentFileAndPrintsTheTableOfItsJournal() throws Exception {
        TestEnvironment.agentJar();
        Path home = TestEnvironment.files().home();
        Path demo = TestEnvironment.requireFile(
                home.resolve("samples/demo/target/faultline-demo.jar"), "run `mvn -B -q -DskipTests package`");
        TestEnvironment.requireFile(home.resolve("cli/target/faultline.jar"), "run `mvn -B -q -DskipTests package`");
        Path journals = Files.createTempDirectory("faultline-demo-it");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        demo.toString(),
                        "--no-docker",
                        "--journal-dir",
                        journals.toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "demo did not finish:\n" + output);
        System.out.print(output);
        assertEquals(0, p.exitValue(), "demo failed:\n" + output);
        for (String expected : new String[] {
            "faultline experiment run samples/experiments/slow-downstream/experiment.json",
            "| at s | phase  | probe",
            "latency-100ms-all-replicas",
            "rollbacks: halt-all succeeded",
            "Not run: skipped (--no-docker)",
            "install Docker Engine"
        }) {
            assertTrue(output.contains(expected), "demo output lacks '" + expected + "':\n" + output);
        }

        Map<?, ?> journal = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(journals.resolve("slow-downstream-journal.json"), StandardCharsets.UTF_8));
        List<String> inJournal = new ArrayList<>();
        Map<?, ?> steady = (Map<?, ?>) journal.get("steady_states");
        List<Object> hypotheses = new ArrayList<>();
        hypotheses.add(steady.get("before"));
        hypotheses.addAll((List<?>) steady.get("during"));
        if (steady.get("after") != null) hypotheses.add(steady.get("after"));
        for (Object h : hypotheses) {
            for (Object probe : (List<?>) ((Map<?, ?>) h).get("probes")) {
                inJournal.add(String.valueOf(((Map<?, ?>) ((Map<?, ?>) probe).get("output")).get("body"))
                        .strip());
            }
        }
        List<String> printed = output.lines()
                .filter(l -> l.startsWith("| ") && l.contains(" success-rate "))
                .map(l -> l.split("\\|")[4].strip())
                .toList();
        System.out.println("success rates: printed " + printed + ", in the journal's probe outputs " + inJournal);
        assertTrue(inJournal.size() >= 3, "before, during and after: " + inJournal);
        assertEquals(inJournal, printed, "the table's numbers are the journal's");
        assertTrue(
                output.contains("status: " + journal.get("status") + ", deviated: " + journal.get("deviated")), output);
    }
}
