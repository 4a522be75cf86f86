package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which JDK each surefire execution runs on: the build's, and JDK 25 (profile jdk25) where it is installed. */
class JdkTest {
    @Test
    void thisRunIsOnTheJdkItsExecutionNames() {
        assertEquals(
                Integer.parseInt(System.getProperty("expected.jdk")),
                Runtime.version().feature(),
                "the JDK of this surefire execution");
    }

    @Test
    void aJdk25RunExistsWhereJdk25IsInstalled() {
        Path java = Path.of(System.getProperty("jdk25.java"));
        assumeTrue(Files.isExecutable(java), "no JDK 25 at " + java + ": this module's JDK 25 run is skipped");
        // the profile jdk25 is active on the same file: its execution runs these tests again on it
        assumeTrue(Runtime.version().feature() != 25, "this is the JDK 25 run");
    }
}
