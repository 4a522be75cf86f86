package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which JDK each surefire execution runs on: the build's, and JDK 25 (profile jdk25; Jdk25RunIT checks it ran). */
class JdkTest {
    @Test
    void thisRunIsOnTheJdkItsExecutionNames() {
        assertEquals(
                Integer.parseInt(System.getProperty("expected.jdk")),
                Runtime.version().feature(),
                "the JDK of this surefire execution");
    }
}
