package dev.faultline.agent.process;

import static dev.faultline.agent.it.ForkedService.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.agent.method.MethodServiceApp;
import dev.faultline.agent.method.Operator;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** exit, halt and stress in a forked service started with the built agent, on JDK 17 and 25, over remote JMX. */
class ProcessFaultsIT {
    static final ObjectName THREADS = name(ManagementFactory.THREAD_MXBEAN_NAME);

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    static ForkedService start(Jdks.Jdk jdk, String... jvmArgs) throws Exception {
        return ForkedService.builder(jdk)
                .withPlatformJmx()
                .jvmArg(jvmArgs)
                .main(MethodServiceApp.class.getName())
                .readyLine("READY")
                .start();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void haltEndsTheProcessWithItsCodeAndWithoutShutdownHooks(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            svc.add("halt code=42 after=300ms");
            assertTrue(svc.process().waitFor(20, TimeUnit.SECONDS), "halted");
            assertEquals(42, svc.process().exitValue(), "exit code; stderr:\n" + svc.stderr());
            assertThrows(
                    AssertionError.class,
                    () -> svc.awaitLine("HOOK-RAN", Duration.ofSeconds(1)),
                    "the shutdown hook must not run");
            assertTrue(svc.stderr().contains("halting the JVM with code 42"), svc.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void exitEndsTheProcessWithItsCodeAndRunsShutdownHooks(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            svc.add("exit code=3 after=300ms");
            assertTrue(svc.process().waitFor(20, TimeUnit.SECONDS), "exited");
            assertEquals(3, svc.process().exitValue(), "exit code; stderr:\n" + svc.stderr());
            svc.awaitLine("HOOK-RAN", Duration.ofSeconds(2));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void probabilityIsOneThrowAndAfterDelaysTheEnd(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            svc.add("halt code=9 probability=0.0 after=200ms");
            Thread.sleep(1500);
            assertTrue(svc.process().isAlive(), "probability=0.0: the dice said no, the service lives");
            assertEquals(
                    0,
                    svc.list().length,
                    "a process fault whose gate did not fire is done: " + Arrays.toString(svc.list()));
            long t0 = System.nanoTime();
            svc.add("halt code=10 after=1500ms");
            assertTrue(svc.process().waitFor(20, TimeUnit.SECONDS));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(10, svc.process().exitValue());
            assertTrue(ms >= 1400, "halt waited for after=1500ms: " + ms + " ms");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void memoryStressHoldsTheHeapItAskedForThenReleasesIt(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk, "-Xmx512m", "-Xms64m")) {
            MBeanServerConnection jmx = svc.platform(); // the heap is watched through the JDK's own connector
            String refused = Operator.refusal(svc.jmx(), "stress memory=2gb for=5s");
            assertTrue(refused.contains("more than the heap can give"), refused);
            long base = Operator.heapUsedAfterGc(jmx);
            long mb = 1 << 20;
            svc.add("stress memory=200mb for=4s");
            long t0 = System.nanoTime();
            // the stress thread fills the heap in the background: on a loaded machine that can take a while
            List<Long> rampUp = new ArrayList<>();
            long first;
            do {
                Thread.sleep(200);
                rampUp.add(first = (Operator.heapUsedAfterGc(jmx) - base) / mb);
            } while (first < 195 && System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2500));
            assertTrue(first >= 195, "the heap reached 200 MiB over the baseline within 2.5 s: " + rampUp);
            List<Long> held = new ArrayList<>();
            while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(3300)) {
                Thread.sleep(300);
                held.add((Operator.heapUsedAfterGc(jmx) - base) / mb);
            }
            assertTrue(
                    held.stream().allMatch(m -> m >= 195 && m < 260),
                    "heap held (MiB over the baseline, after each GC) during for=4s: " + held);
            Thread.sleep(2000); // past for=4s
            long after = (Operator.heapUsedAfterGc(jmx) - base) / mb;
            assertTrue(after < 30, "heap released after for=: " + after + " MiB over the baseline");
            assertEquals(
                    0, svc.list().length, "the stress is over and gone from list(): " + Arrays.toString(svc.list()));

            svc.add("stress memory=150mb for=60s");
            Thread.sleep(1000);
            assertTrue((Operator.heapUsedAfterGc(jmx) - base) / mb >= 145, "held before clear()");
            assertEquals(1, svc.clear());
            Thread.sleep(300);
            assertTrue((Operator.heapUsedAfterGc(jmx) - base) / mb < 30, "released at clear()");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void cpuStressKeepsItsThreadsBusyThenStops(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = start(jdk)) {
            MBeanServerConnection jmx = svc.platform(); // the threads are watched through the JDK's own connector
            svc.add("stress cpu=2 for=3s");
            Thread.sleep(500);
            long[] ids = stressThreads(jmx);
            assertEquals(2, ids.length, "two busy faultline- threads");
            long[] cpu0 = cpuTimes(jmx, ids);
            long t0 = System.nanoTime();
            Thread.sleep(1500);
            long[] cpu1 = cpuTimes(jmx, ids);
            long wall = System.nanoTime() - t0;
            for (int i = 0; i < ids.length; i++) {
                double share = (cpu1[i] - cpu0[i]) / (double) wall;
                // this machine's 2 cores are shared with other builds: a busy thread gets a good part of one, an idle
                // one ~0
                assertTrue(share > 0.25, "stress thread " + ids[i] + " used " + Math.round(share * 100) + "% of a CPU");
            }
            Thread.sleep(2000); // past for=3s
            assertEquals(0, stressThreads(jmx).length, "the busy threads are gone after for=");
            assertEquals(0, svc.list().length, Arrays.toString(svc.list()));

            svc.add("stress cpu=1 for=10m");
            Thread.sleep(300);
            assertEquals(1, stressThreads(jmx).length);
            assertEquals(1, svc.clear());
            Thread.sleep(300);
            assertEquals(0, stressThreads(jmx).length, "clear() stops the busy threads");
        }
    }

    static long[] stressThreads(MBeanServerConnection jmx) throws Exception {
        long[] all = (long[]) jmx.getAttribute(THREADS, "AllThreadIds");
        List<Long> out = new ArrayList<>();
        for (long id : all) {
            CompositeData info = (CompositeData)
                    jmx.invoke(THREADS, "getThreadInfo", new Object[] {id}, new String[] {long.class.getName()});
            if (info != null && ((String) info.get("threadName")).startsWith("faultline-stress-cpu-")) out.add(id);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static long[] cpuTimes(MBeanServerConnection jmx, long[] ids) throws Exception {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (Long)
                    jmx.invoke(THREADS, "getThreadCpuTime", new Object[] {ids[i]}, new String[] {long.class.getName()});
        }
        return out;
    }
}
