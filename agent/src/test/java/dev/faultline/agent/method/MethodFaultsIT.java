package dev.faultline.agent.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code on=method} faults in a forked service started with the built agent jar, on JDK 17 and 25, driven over
 * remote JMX; class bytes are read by a second, test-only agent ({@link BytesProbe}) after every transformer.
 */
class MethodFaultsIT {
    static final String PAYMENTS = "dev.faultline.agent.method.fixture.Payments";
    static final String DECLINED = "dev.faultline.agent.method.fixture.PaymentDeclined";
    static final String INVENTORY = "dev.faultline.agent.method.fixture.Inventory";

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    static ForkedService start(Jdks.Jdk jdk, String... jvmArgs) throws Exception {
        return ForkedService.builder(jdk)
                .jvmArg("-javaagent:" + MethodServiceApp.bytesProbeJar())
                .jvmArg(jvmArgs)
                .classpath(byteBuddyForTheProbe())
                .main(MethodServiceApp.class.getName())
                .readyLine("READY")
                .start();
    }

    /** The probe rewrites class bytes canonically with ASM: the service gets the plain (unrelocated) Byte Buddy jar for that. */
    static String byteBuddyForTheProbe() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("/net/bytebuddy/byte-buddy/"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("byte-buddy is not on the test class path"));
    }

    static List<Long> queryMillis(ForkedService svc, int n) throws Exception {
        String a = svc.send("jdbc " + n);
        assertTrue(a.startsWith("OK "), "queries against PostgreSQL: " + a);
        return Arrays.stream(a.substring(4, a.length() - 1).split(","))
                .map(Long::valueOf)
                .collect(Collectors.toList());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void jdbcLatencySlowsEachQueryOnceAndRemoveRestoresTheOriginalBytes(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            queryMillis(svc, 6); // loads the driver's statement classes and warms them up
            String original = svc.send("statements");
            assertTrue(
                    original.contains("org.postgresql.jdbc.PgStatement=")
                            && original.contains("org.postgresql.jdbc.PgPreparedStatement="),
                    "the driver's statement classes are loaded: " + original);

            String id = svc.add("latency on=method class=java.sql.Statement+ method=execute* delay=400ms");
            String instrumented = svc.send("statements");
            assertNotEquals(
                    original, instrumented, "the bytes read through the probe show the advice while the rule lives");
            for (String cls : List.of("PgStatement", "PgPreparedStatement")) {
                assertNotEquals(digest(original, cls), digest(instrumented, cls), cls + " is instrumented");
            }
            List<Long> slow = queryMillis(svc, 6);
            for (long ms : slow) {
                // once per query: executeQuery goes through several execute* layers of the driver
                // (less 1 %: the pause is timed by clock readings that can differ by a fraction of a ms across cores)
                assertTrue(ms >= 396 && ms < 750, "each query slowed by 400 ms, once: " + slow);
            }

            assertTrue(svc.remove(id));
            assertEquals(
                    original, svc.send("statements"), "after remove the statement classes have their original bytes");
            List<Long> fast = queryMillis(svc, 6);
            assertTrue(fast.stream().allMatch(ms -> ms < 200), "queries after remove: " + fast);
        }
    }

    static long ms(String answer) {
        return Long.parseLong(answer.substring(answer.lastIndexOf("ms=") + 3).trim());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void presetsReachJdkHttpServerHandlersAndTheJdkHttpClient(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            for (int i = 0; i < 3; i++) assertTrue(svc.send("http").startsWith("OK 200:hello"), "warm-up");
            String handler =
                    svc.add("latency on=method class=com.sun.net.httpserver.HttpHandler+ method=handle delay=500ms");
            String slow = svc.send("http");
            assertTrue(
                    slow.startsWith("OK 200:hello") && ms(slow) >= 500 && ms(slow) < 1500,
                    "handler delayed once: " + slow);
            assertTrue(svc.remove(handler));
            String fast = svc.send("http");
            assertTrue(fast.startsWith("OK 200:hello") && ms(fast) < 500, "after remove: " + fast);

            // HttpClient.send: the facade and the implementation both match; the outermost call fails, once
            svc.add(
                    "error on=method class=java.net.http.HttpClient+ method=send exception=java.net.http.HttpTimeoutException message=preset");
            String failed = svc.send("http");
            assertTrue(
                    failed.startsWith("ERR java.net.http.HttpTimeoutException message=preset"),
                    "HttpClient.send fails: " + failed);
            assertEquals(1, svc.clear());
            assertTrue(svc.send("http").startsWith("OK 200:hello"), "after clear()");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void errorIsMadeInTheTargetClassLoaderAndClearLeavesNoTrace(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            String before = svc.send("digests " + PAYMENTS);
            assertTrue(before.contains("Payments@payments="), before);
            svc.add("error on=method class=" + PAYMENTS + " method=charge exception=" + DECLINED
                    + " message=card-network-down");
            String a = svc.send("charge");
            assertTrue(
                    a.startsWith("ERR " + DECLINED + " message=card-network-down ownLoader=true systemCopy=false"),
                    "a PaymentDeclined of Payments' own class loader, not the system loader's copy: " + a);
            assertTrue(svc.send("refund").startsWith("OK "), "refund is not matched");

            svc.add("error on=method class=" + PAYMENTS + " method=refund");
            String r = svc.send("refund");
            assertTrue(
                    r.startsWith("ERR java.lang.RuntimeException message=injected by faultline"),
                    "default method error: " + r);
            assertEquals(2, svc.clear());
            assertTrue(svc.send("charge").startsWith("OK charged"), "after clear()");
            // clear() stops every fault before it returns; the original bytes come back just after it, off its path
            String after = svc.send("digests " + PAYMENTS);
            for (long deadline = System.currentTimeMillis() + 10_000;
                    !after.equals(before) && System.currentTimeMillis() < deadline; ) {
                Thread.sleep(50);
                after = svc.send("digests " + PAYMENTS);
            }
            assertEquals(before, after, "after clear() Payments has its original bytes");
        }
    }

    /**
     * The kill switch never waits for a transformation: a rule on every class takes seconds to arm, and a
     * clear() meanwhile returns at once, after which nothing is injected, the half-armed rule included.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void clearDuringABroadRetransformationReturnsAtOnceAndNothingIsInjectedAfter(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            assertTrue(svc.send("inventory").startsWith("OK "));
            svc.add("latency on=read port=1 delay=1ms"); // an ordinary fault beside it
            CompletableFuture<String> broad = CompletableFuture.supplyAsync(() -> {
                try (Operator op = Operator.connect(svc.jmxPort())) {
                    return op.add(
                            "error on=method class=* method=count exception=java.lang.IllegalStateException message=broad");
                } catch (Exception e) {
                    return "refused: " + e.getCause();
                }
            });
            String transforming = "";
            for (long deadline = System.currentTimeMillis() + 10_000;
                    !transforming.contains("retransforming") && System.currentTimeMillis() < deadline; ) {
                transforming = svc.send("transforming");
            }
            assertTrue(transforming.contains("retransforming"), "the broad rule is being armed: " + transforming);
            long t0 = System.nanoTime();
            int cleared = svc.clear();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println(
                    "[faultline-it] " + jdk + " clear() during a class=* retransformation returned in " + ms + " ms");
            // one JMX round trip: clear() never waits for a retransformation (without that fix it waited seconds), and
            // the
            // retransformation never holds the JVM at a safepoint for long (RELIABILITY.md has the figures)
            assertTrue(ms <= 100, "clear() returned in " + ms + " ms, while a class=* rule was being armed");
            assertTrue(cleared >= 1, "the ordinary fault at least");
            for (int i = 0; i < 20; i++) {
                String answer = svc.send("inventory");
                assertTrue(
                        answer.startsWith("OK "),
                        "nothing injected after clear(), while the broad rule is still being armed: " + answer);
            }
            String outcome = broad.get(120, TimeUnit.SECONDS);
            assertTrue(
                    outcome.contains("was cleared or removed while it was being armed"),
                    "the half-armed rule is reported cleared: " + outcome);
            assertTrue(svc.send("inventory").startsWith("OK "), "and never acts: " + svc.send("inventory"));
            assertEquals(0, svc.list().length);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void badSpecsAreRefusedWithAMessageAndNothingIsArmed(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            MBeanServerConnection jmx = svc.jmx();
            String before = svc.send("digests " + PAYMENTS);
            assertRefused(
                    jmx,
                    "latency on=method class=com.example.NoSuchClient method=charge delay=1s",
                    "no class com.example.NoSuchClient");
            assertRefused(
                    jmx,
                    "error on=method class=" + PAYMENTS + " method=refund exception=" + DECLINED,
                    "checked exception that " + PAYMENTS + ".refund does not declare");
            assertRefused(
                    jmx,
                    "error on=method class=" + PAYMENTS + " method=charge exception=java.io.IOException",
                    "does not declare");
            assertRefused(
                    jmx,
                    "latency on=method class=" + PAYMENTS + " method=nosuch* delay=1s",
                    "method=nosuch*: no method of " + PAYMENTS);
            assertRefused(
                    jmx,
                    "error on=method class=" + PAYMENTS + " method=charge exception=com.example.NoSuchException",
                    "no such class");
            assertRefused(jmx, "stress memory=-5mb for=1s", "must not be negative");
            assertRefused(jmx, "stress cpu=-1 for=1s", "cpu=-1");
            assertRefused(jmx, "stress memory=0mb for=1s", "must be above zero");
            assertRefused(jmx, "exit code=3 every=2", "every=2: exit happens once");
            assertRefused(jmx, "halt code=300", "0-255");
            assertRefused(jmx, "latency on=method class=" + PAYMENTS + " delay=1s", "needs class= and method=");
            assertRefused(
                    jmx,
                    "hang on=method class=javax.management.remote.rmi.RMIConnectionImpl method=* ttl=1h",
                    "javax.management.* is never instrumented");
            assertRefused(
                    jmx,
                    "latency on=method class=java.lang.Thread+ method=sleep delay=1s",
                    "java.lang.* is never instrumented");
            assertRefused(jmx, "error on=method class=sun.rmi.* method=*", "sun.rmi.* is never instrumented");
            assertEquals(0, svc.list().length, "nothing armed: " + Arrays.toString(svc.list()));
            assertEquals(Boolean.FALSE, svc.attribute("Armed"));
            assertEquals(before, svc.send("digests " + PAYMENTS), "no refused spec touched Payments");
            assertTrue(svc.send("refund").startsWith("OK refunded"));

            // force=true is the operator saying "I know": then it is armed, and thrown from a method that does not
            // declare it
            svc.add("error on=method class=" + PAYMENTS + " method=refund exception=" + DECLINED + " force=true");
            assertTrue(svc.send("refund").startsWith("ERR " + DECLINED), "forced checked exception");
            svc.clear();
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aRuleOnAClassTheControlPlaneUsesCannotStopRemoveOrClear(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            // the registry and RMI use HashMap.remove on the operator's own call; the fault must not act there
            String id = svc.add(
                    "error on=method class=java.util.HashMap method=remove exception=java.lang.IllegalStateException message=chaos");
            svc.add("latency on=method class=java.util.ArrayList method=add delay=2s");
            assertEquals(2, svc.list().length, Arrays.toString(svc.list()));
            assertTrue(svc.remove(id), "remove() over JMX while HashMap.remove is faulted");
            assertEquals(1, svc.clear(), "clear() over JMX while ArrayList.add is slowed by 2 s");
            assertEquals(0, svc.list().length);
        }
    }

    /**
     * Class count: the Class objects the JVM holds ({@code Instrumentation.getAllLoadedClasses}, read by the probe).
     * The ClassLoading MXBean's LoadedClassCount is printed too but not asserted: HotSpot counts the scratch class
     * of every retransformation ({@code __VM_RedefineClasses__}) as a load and never as an unload, so that counter
     * rises by one per retransformation even when no class is added.
     * Metaspace also holds the JIT's profiles (MethodData), which appear in steps of up to ~200 KB whenever some
     * method of JMX, Byte Buddy or the probe crosses a tiered-compilation threshold, for thousands of cycles. They
     * are not ours and would mask or mimic a leak, so this service runs with C1 only and no profiling
     * ({@code -XX:TieredStopAtLevel=1}); cycles then run in blocks of 100 until a block moves Metaspace by less
     * than 0.25 % (at most 1,500 warm-up cycles), and the 100 measured cycles come after that. A leak of 1 % per
     * 100 cycles never settles and fails the measurement.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aHundredAddRemoveCyclesLeaveMetaspaceAndLoadedClassesFlat(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk)
                .withPlatformJmx()
                .jvmArg("-javaagent:" + MethodServiceApp.bytesProbeJar())
                .jvmArg("-XX:TieredStopAtLevel=1")
                .classpath(byteBuddyForTheProbe())
                .main(MethodServiceApp.class.getName())
                .readyLine("READY")
                .start()) {
            MBeanServerConnection jmx = svc.platform(); // metaspace and classes through the JDK's own connector
            long[] before = metaspaceAndClasses(svc, jmx);
            int warmUp = 0;
            while (warmUp < 1500) {
                for (int i = 0; i < 100; i++) cycle(svc);
                warmUp += 100;
                long[] now = metaspaceAndClasses(svc, jmx);
                boolean settled = Math.abs(now[0] - before[0]) < before[0] / 400;
                before = now;
                if (settled) break;
            }
            for (int i = 0; i < 100; i++) cycle(svc);
            long[] after = metaspaceAndClasses(svc, jmx);
            String report = "after " + warmUp + " warm-up cycles: metaspace used " + before[0] + " -> " + after[0]
                    + " bytes, classes " + before[1] + " -> " + after[1] + " (ClassLoading MXBean LoadedClassCount "
                    + before[2] + " -> " + after[2] + ")";
            System.out.println("[faultline-it] " + jdk + " 100 method add/remove cycles " + report);
            assertTrue(Math.abs(after[0] - before[0]) <= before[0] / 100, "metaspace within 1%: " + report);
            assertTrue(Math.abs(after[1] - before[1]) <= before[1] / 100, "loaded classes within 1%: " + report);
        }
    }

    private static void cycle(ForkedService svc) throws Exception {
        String id = svc.add("error on=method class=" + INVENTORY
                + " method=count exception=java.lang.IllegalStateException message=cycle");
        String a = svc.send("inventory");
        assertTrue(a.startsWith("ERR java.lang.IllegalStateException message=cycle"), "armed: " + a);
        assertTrue(svc.remove(id));
        String b = svc.send("inventory");
        assertTrue(b.startsWith("OK "), "removed: " + b);
    }

    static long[] metaspaceAndClasses(ForkedService svc, MBeanServerConnection jmx) throws Exception {
        Operator.heapUsedAfterGc(jmx); // a full collection also purges the previous versions of retransformed methods
        Operator.heapUsedAfterGc(jmx);
        CompositeData usage = (CompositeData) jmx.getAttribute(
                new ObjectName(ManagementFactory.MEMORY_POOL_MXBEAN_DOMAIN_TYPE + ",name=Metaspace"), "Usage");
        long classes = ((Integer) jmx.getAttribute(
                        new ObjectName(ManagementFactory.CLASS_LOADING_MXBEAN_NAME), "LoadedClassCount"))
                .longValue();
        String a = svc.send("classes");
        assertTrue(a.startsWith("OK "), a);
        return new long[] {
            (Long) usage.get("used"), Long.parseLong(a.substring(3).trim()), classes
        };
    }

    static void assertRefused(MBeanServerConnection jmx, String spec, String expected) {
        String message = Operator.refusal(jmx, spec);
        assertTrue(
                message != null && message.contains(expected),
                "'" + spec + "' refused with '" + message + "', expected it to say '" + expected + "'");
    }

    private static String digest(String statements, String simpleName) {
        int i = statements.indexOf("org.postgresql.jdbc." + simpleName + "=");
        assertFalse(i < 0, simpleName + " in " + statements);
        String rest = statements.substring(i + simpleName.length() + "org.postgresql.jdbc.".length() + 1);
        return rest.substring(0, 16);
    }
}
