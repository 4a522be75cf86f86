package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The built jar against the real engine, each command twice: once in plain words (the fast path, no picocli) and once
 * with an {@code --opt=value} word the fast path declines (picocli parses): the same exit code, the same output but
 * for times and ids, the same effect on the container. Which path ran is read from the JVM's class-loading log.
 */
class PlainCommandPathIT extends EngineTest {
    record Outcome(int exitCode, String output, boolean picocli, String state) {}

    Outcome run(String container, String... args) throws Exception {
        // a file that does not exist yet, and no rotation: the JVM would move an existing one aside (file.0)
        Path dir = Files.createTempDirectory("faultline-classes");
        Path log = dir.resolve("classes.log");
        try {
            Sidecar.Run r =
                    sidecar.run(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + log + "::filecount=0"), args);
            boolean picocli = Files.readString(log).contains("picocli.CommandLine$Model$CommandSpec ");
            String out = r.output()
                    .replaceAll("Picked up JAVA_TOOL_OPTIONS:[^\n]*\n", "")
                    .replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+[+-]\\d{4} ", "T ") // the log lines' times
                    .replaceAll("c\\d+-\\d+", "cID") // the experiment id names our pid
                    .replaceAll("_ms=[0-9.]+", "_ms=N");
            return new Outcome(
                    r.exitCode(), out, picocli, docker.inspect(container, "{{.State.Running}} {{.State.ExitCode}}"));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void plainWordsAndPicocliWordsDoTheSame() throws Exception {
        String c = docker.run + "-plain";
        docker.start(c, List.of(), "sleep", "600");
        List<List<String[]>> pairs = List.of(
                List.of(new String[] {"kill", "--signal", "SIGTERM", c}, new String[] {"kill", "--signal=SIGTERM", c}),
                List.of(
                        new String[] {"--dry-run", "--label", "no.such=label", "stop", "--time", "1"},
                        new String[] {"--dry-run", "--label=no.such=label", "stop", "--time=1"}),
                List.of(new String[] {"--dry-run", "kill", c}, new String[] {"--dry-run", "kill", "--signal=SIGKILL", c
                }),
                List.of(new String[] {"kill", "--signal", "SIGWHAT", c}, new String[] {"kill", "--signal=SIGWHAT", c}),
                List.of(
                        new String[] {"kill", "re2:^no-such-" + docker.run},
                        new String[] {"kill", "--signal=SIGKILL", "re2:^no-such-" + docker.run}),
                List.of(new String[] {"kill", "--signal", "SIGKILL"}, new String[] {"kill", "--signal=SIGKILL"}),
                List.of(new String[] {"pause", "--duration", "300ms", c}, new String[] {"pause", "--duration=300ms", c
                }),
                List.of(new String[] {"restart", "--time", "1", c}, new String[] {"restart", "--time=1", c}));
        for (List<String[]> pair : pairs) {
            DockerHost.exec(List.of("docker", "start", c));
            Outcome plain = run(c, pair.get(0));
            DockerHost.exec(List.of("docker", "start", c));
            Outcome picocli = run(c, pair.get(1));
            String words = String.join(" ", pair.get(0));
            assertTrue(
                    !plain.picocli() && picocli.picocli(),
                    words + ": the paths taken (plain, picocli) " + plain.picocli() + " " + picocli.picocli());
            assertEquals(picocli.exitCode(), plain.exitCode(), words + "\n" + plain.output() + "\n" + picocli.output());
            assertEquals(picocli.output(), plain.output(), words);
            assertEquals(picocli.state(), plain.state(), words);
        }
    }
}
