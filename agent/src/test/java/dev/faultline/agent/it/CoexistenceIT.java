package dev.faultline.agent.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent next to what real services carry: their own Byte Buddy, and another agent (OpenTelemetry). */
class CoexistenceIT extends LoopbackHttpFixture {
    static final File IT_JARS = new File(System.getProperty("faultline.it.jars", "target/it-jars"));

    @ParameterizedTest
    @MethodSource("jdks")
    void aServiceBundlingAnotherByteBuddyKeepsItsOwn(Jdks.Jdk jdk) throws Exception {
        File old = new File(IT_JARS, "byte-buddy-1.14.18.jar");
        assertTrue(old.isFile(), "the dependency plugin copies " + old);
        try (ForkedService svc =
                ForkedService.builder(jdk).classpath(old.getAbsolutePath()).start()) {
            Answer own = new Answer(svc.send("bytebuddy"));
            assertTrue(
                    own.ok()
                            && own.line().contains("bytebuddy-made=true")
                            && own.line().contains("byte-buddy-1.14.18.jar"),
                    "the service's Byte Buddy is its own 1.14.18: " + own);
            svc.add("latency on=connect port=" + port + " delay=400ms");
            Answer slow = new Answer(svc.send("jdk-http http://127.0.0.1:" + port + "/"));
            assertTrue(slow.ok() && slow.tookAtLeast(400), "and the fault works: " + slow);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void bothAgentsShowTheirEffectsBesideOpenTelemetry(Jdks.Jdk jdk) throws Exception {
        File otel = new File(IT_JARS, "opentelemetry-javaagent-2.22.0.jar");
        assertTrue(otel.isFile(), "the dependency plugin copies " + otel);
        try (ForkedService svc = ForkedService.builder(jdk)
                .jvmArg(
                        "-javaagent:" + otel.getAbsolutePath(),
                        "-Dotel.traces.exporter=logging",
                        "-Dotel.metrics.exporter=none",
                        "-Dotel.logs.exporter=none",
                        "-Dotel.service.name=probe",
                        "-Dotel.bsp.schedule.delay=100")
                .start()) {
            svc.add("latency on=connect port=" + port + " delay=400ms");
            Answer slow = new Answer(svc.send("jdk-http http://127.0.0.1:" + port + "/"));
            assertTrue(slow.ok() && slow.tookAtLeast(400), "Faultline's latency: " + slow);
            svc.clear();
            long deadline = System.currentTimeMillis() + 15_000;
            while (!svc.stderr().contains("LoggingSpanExporter") && System.currentTimeMillis() < deadline)
                Thread.sleep(200);
            assertTrue(
                    svc.stderr().contains("LoggingSpanExporter") && svc.stderr().contains("GET"),
                    "OpenTelemetry's client span for the same call:\n" + svc.stderr());
        }
    }
}
