package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** After the tests: where JDK 25 is installed (profile jdk25), they ran a second time on it, and passed. */
class Jdk25RunIT {
    static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"); // the profile's activation file

    @Test
    void theSuiteRanOnJdk25Too() throws IOException {
        assumeTrue(Files.isExecutable(JDK25), "no JDK 25 at " + JDK25 + ": the profile jdk25 is off, no run to check");
        Path reports = Path.of(System.getProperty("build.directory"), "surefire-reports-jdk25");
        List<String> suites = new ArrayList<>();
        try (Stream<Path> files = Files.list(reports)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("TEST-"))
                    .toList()) {
                suites.add(Files.readString(p));
            }
        }
        assertFalse(suites.isEmpty(), "no test report in " + reports);
        for (String suite : suites) {
            assertTrue(suite.contains("name=\"java.specification.version\" value=\"25\""), "not run on JDK 25");
            assertTrue(suite.contains("failures=\"0\"") && suite.contains("errors=\"0\""), "a failure on JDK 25");
        }
    }
}
