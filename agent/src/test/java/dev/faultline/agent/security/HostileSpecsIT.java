package dev.faultline.agent.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.agent.spec.SpecParser;
import dev.faultline.common.probe.HostileStrings;
import dev.faultline.common.probe.ProcessWatch;
import dev.faultline.common.words.Printable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.management.MBeanServerConnection;
import javax.management.RuntimeMBeanException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile strings through {@code add()} over the real remote connector: no crash, no process spawned with the
 * injected text, nothing armed by a refused spec, and every refusal a one-line message.
 */
class HostileSpecsIT {
    /** On the default JDK; a quarter of it on the others (the same code, a second JVM version). */
    static final int COUNT = Integer.getInteger("faultline.fuzz.count", 100_000);

    static final List<String> TEMPLATES = List.of(
            "latency on=read port=1 delay=1ms ttl=1m",
            "error on=connect host=10.0.0.0/8 port=1 probability=0.5 ttl=1m",
            "error on=read port=1 exception=java.net.SocketTimeoutException message=\"quoted words\" ttl=1m",
            "hang on=read port=1 for=1s limit=3 ttl=1m",
            "throttle on=write port=1 rate=64kb ttl=1m",
            "error on=dns host=*.internal every=10 ttl=1m");

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void hostileStringsThroughAddChangeNothingAndSpawnNothing(Jdks.Jdk jdk) throws Exception {
        long seed = Long.getLong("faultline.fuzz.seed", System.nanoTime());
        HostileStrings strings = new HostileStrings(seed, TEMPLATES);
        int count = jdk.equals(Jdks.current()) ? COUNT : COUNT / 4;
        Path pwned = Path.of("/tmp", strings.marker());
        int refused = 0, accepted = 0;
        try (ForkedService svc = ForkedService.builder(jdk).start();
                ProcessWatch watch = new ProcessWatch(strings.marker())) {
            MBeanServerConnection jmx = svc.jmx();
            String[] before = svc.list();
            for (int i = 0; i < count; i++) {
                String spec = strings.next();
                try {
                    String id = (String) jmx.invoke(
                            ForkedService.AGENT, "add", new Object[] {spec}, new String[] {String.class.getName()});
                    accepted++; // a valid spec with odd data in it (a message, a glob): it is data, so it may be armed
                    SpecParser.parse(spec); // and the agent's own parser agrees it is valid
                    assertTrue(svc.remove(id), id);
                } catch (RuntimeMBeanException e) {
                    refused++;
                    Throwable why = e.getCause();
                    assertTrue(
                            why instanceof IllegalArgumentException,
                            "a refusal, not a crash, for " + printable(spec) + ": " + why);
                    String message = why.getMessage();
                    assertTrue(
                            message != null && !message.isBlank() && message.length() < 400,
                            "a short message naming the problem for " + printable(spec) + ": "
                                    + printable(String.valueOf(message)));
                }
            }
            assertEquals(List.of(), watch.seen(), "no process was spawned with the injected text");
            assertTrue(!Files.exists(pwned), pwned + " was created");
            assertEquals(Arrays.asList(before), Arrays.asList(svc.list()), "list() unchanged");
            assertEquals(0L, svc.attribute("InternalErrors"));
            assertTrue(svc.process().isAlive());
            System.out.printf(
                    "[hostile-specs] %s: %d strings (seed %d): %d refused, %d accepted as data and removed; %d process scans%n",
                    jdk, count, seed, refused, accepted, watch.scans());
        }
    }

    static String printable(String s) {
        return Printable.message(s);
    }
}
