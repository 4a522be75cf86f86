package dev.faultline.agent.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A million specs from {@link SpecFuzzer} (the grammar, mutated) through the real agent's {@code add()}, in a
 * service started with the built jar. The calls are made in-process by {@link FuzzDriver} through the platform
 * MBean server (the same MBean, parser and registry as over the wire; {@link HostileSpecsIT} covers the remote
 * connector with 100,000): no crash, no exception but a refusal naming the offending token, nothing armed by a
 * refused spec, {@code list()} unchanged. Reproduce a failure with {@code -Dfaultline.fuzz.seed=<the printed seed>}.
 */
class MutatedSpecsIT {
    /** On the default JDK; a quarter of it on the others (the same code on a second JVM version). */
    static final int COUNT = Integer.getInteger("faultline.fuzz.mutated.count", 1_000_000);

    static final Pattern ANSWER = Pattern.compile(
            "OK sent=(\\d+) accepted=(\\d+) refused=(\\d+) skipped=(\\d+) violations=(\\d+) ms=(\\d+) first=(.*)");

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aMillionMutatedSpecsAreRefusedByNameOrArmedAndRemoved(Jdks.Jdk jdk) throws Exception {
        long seed = Long.getLong("faultline.fuzz.seed", System.nanoTime());
        int count = jdk.equals(Jdks.current()) ? COUNT : COUNT / 4;
        System.out.printf(
                "[mutated-specs] %s: %d specs, seed %d (-Dfaultline.fuzz.seed=%d reproduces)%n",
                jdk, count, seed, seed);
        try (ForkedService svc = ForkedService.builder(jdk)
                .agentArgs("log.level=warn")
                .main(FuzzDriver.class.getName())
                .start()) {
            String[] before = svc.list();
            long t0 = System.nanoTime();
            // not a timing test: a million specs took 55 s on a quiet CI machine and over 120 s at load 17
            String answer = svc.send("fuzz " + count + " " + seed, Duration.ofMinutes(10));
            long wallMs = (System.nanoTime() - t0) / 1_000_000;
            Matcher m = ANSWER.matcher(answer);
            assertTrue(m.matches(), "the driver's answer: " + answer + "\nstderr:\n" + tail(svc.stderr()));
            long accepted = Long.parseLong(m.group(2)),
                    refused = Long.parseLong(m.group(3)),
                    violations = Long.parseLong(m.group(5));
            System.out.printf(
                    "[mutated-specs] %s: %d specs in %d ms (%d ms in the driver): %d refused, %d accepted and removed,"
                            + " %d not sent (process faults, method rules off the fuzz's target); %d violations%n",
                    jdk,
                    count,
                    wallMs,
                    Long.parseLong(m.group(6)),
                    refused,
                    accepted,
                    Long.parseLong(m.group(4)),
                    violations);
            assertEquals(0, violations, "seed " + seed + ", the first violations: " + m.group(7));
            assertEquals(count, accepted + refused);
            // a fuzzer that only ever hits the first check of the parser proves little: both outcomes must be common
            assertTrue(accepted > count / 100 && refused > count / 2, "accepted " + accepted + ", refused " + refused);
            assertTrue(svc.process().isAlive(), "the service is alive");
            assertEquals(Arrays.asList(before), Arrays.asList(svc.list()), "list() unchanged");
            assertEquals(0L, svc.attribute("InternalErrors"));
            assertEquals(0, svc.attribute("TransformErrors"));
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
