package dev.faultline.samples.experiments;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's main command, run as a newcomer would (java -jar), without the Docker part. */
class DemoIT {

    @Test
    void demoPrintsTheTableBeforeDuringAndAfterAndSaysWhyNoDockerPart() throws Exception {
        TestEnvironment.agentJar();
        Path demo = TestEnvironment.files().home().resolve("samples/demo/target/faultline-demo.jar");
        TestEnvironment.requireFile(demo, "run `mvn -B -q -DskipTests package`");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", demo.toString(), "--no-docker", "--phase-seconds", "3")
                .directory(TestEnvironment.files().home().toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "demo did not finish:\n" + output);
        System.out.print(output);
        assertEquals(0, p.exitValue(), "demo failed:\n" + output);
        for (String expected : new String[]{"| before ", "| latency, all replicas", "| error on read, replica-1",
                "| after clear() ", "clear(): ", "Not run: skipped (--no-docker)", "install Docker Engine"}) {
            assertTrue(output.contains(expected), "demo output lacks '" + expected + "':\n" + output);
        }
    }
}
