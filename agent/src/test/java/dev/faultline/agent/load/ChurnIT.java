package dev.faultline.agent.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10,000 cycles of arming and removing rules in a service started with the built agent jar (a network rule in each
 * cycle, a method rule in every 20th; every cycle of the warm-up has both), while 8 threads call through the hooked
 * paths ({@link ChurnApp}): Metaspace used and the Class objects present stay flat (every sample within ±1 % of the
 * first one after the warm-up: a transformer, a class version or an MBean left behind per cycle would show), no
 * worker ever stops making progress (the hang rules must let go when removed), and after the last removal the
 * workers' calls see no fault at all.
 */
class ChurnIT {
    static final int CYCLES = Integer.getInteger("faultline.churn.cycles", 10_000);
    /**
     * A method rule in every Nth cycle: each one is two retransformations, which cost 45-150 ms a pair on this
     * shared 2-core machine (RELIABILITY.md), nearly all of it in the JVM; in every cycle, 10,000 would take 8 to 25 minutes.
     */
    static final int METHOD_EVERY = Integer.getInteger("faultline.churn.methodEvery", 20);
    /**
     * Cycles with a method rule in each, then one window of the mix, before the first sample: Metaspace grows by about
     * 1 MB over the first few hundred retransformations (the JIT's and the JVM's own metadata), then levels off.
     */
    static final int WARMUP = Integer.getInteger("faultline.churn.warmup", 600);

    static final int SAMPLE = 1_000;
    /** Extra flags for the service's JVM, to attribute a drift: {@code -Dfaultline.churn.jvmArgs="-Dfaultline.churn.metaspaceReport=true"}. */
    static final String[] EXTRA_JVM_ARGS =
            System.getProperty("faultline.churn.jvmArgs", "").isBlank()
                    ? new String[0]
                    : System.getProperty("faultline.churn.jvmArgs").strip().split("\\s+");
    /** The whole of Metaspace, profiles included: the JIT's growth over a run was +0.16 % to +0.95 % on this machine. */
    static final double METASPACE_BOUND = 2.0;
    /** Calls each worker makes after the last removal. */
    static final int QUIET = 500;

    /**
     * The default JDK only, unless {@code -Dfaultline.churn.allJdks=true}: a method rule's two retransformations take
     * 100-150 ms on this shared 2-core machine, so one JDK's run is already two minutes and a second would double it.
     */
    static List<Jdks.Jdk> jdks() {
        if (Boolean.getBoolean("faultline.churn.allJdks")) return Jdks.all();
        System.out.println("[faultline-it] ChurnIT on " + Jdks.current()
                + " only (two minutes a JDK); -Dfaultline.churn.allJdks=true adds the others");
        return List.of(Jdks.current());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void tenThousandAddRemoveCyclesUnderLoadLeaveNothingBehind(Jdks.Jdk jdk) throws Exception {
        int cycles = CYCLES;
        try (ForkedService svc = ForkedService.builder(jdk)
                .agentArgs("log.level=warn")
                .jvmArg(EXTRA_JVM_ARGS)
                .jvmArg("-javaagent:" + ClassCount.jar())
                .main(ChurnApp.class.getName())
                .start()) {
            long t0 = System.nanoTime();
            String answer = svc.send(
                    "churn " + cycles + " " + WARMUP + " " + SAMPLE + " " + QUIET + " " + METHOD_EVERY,
                    Duration.ofMinutes(8));
            long wallMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(answer.startsWith("OK "), answer + "\nstderr:\n" + svc.stderr());
            Map<String, String> r = figures(answer);
            long[] metaspace = longs(r.get("metaspace")),
                    classes = longs(r.get("classes")),
                    progress = longs(r.get("leastProgress"));
            System.out.printf(
                    "[churn] %s: %d cycles (a network rule in each, a method rule in %s of them) after %d of warm-up (a method rule in each)"
                            + " and %d more in %s ms"
                            + " (%d ms with warm-up and quiet phase); add+remove of a network rule %s us, of a method rule %s us%n",
                    jdk,
                    cycles,
                    r.get("methodCycles"),
                    WARMUP,
                    SAMPLE,
                    r.get("ms"),
                    wallMs,
                    r.get("netUs"),
                    r.get("methodUs"));
            System.out.printf(
                    "[churn] %s: Metaspace used %s bytes (%+.2f %% .. %+.2f %%); Class objects %s (%+.2f %% .. %+.2f %%);"
                            + " the JVM's loaded-class counter %s (counts each retransformation)%n",
                    jdk,
                    r.get("metaspace"),
                    drift(metaspace, true),
                    drift(metaspace, false),
                    r.get("classes"),
                    drift(classes, true),
                    drift(classes, false),
                    r.get("loadedCounter"));
            System.out.printf(
                    "[churn] %s: slowest worker's calls per %d cycles %s; %s calls after the last removal, %s faulted, %s injected;"
                            + " %s network and %s method faults seen during the churn%n",
                    jdk,
                    SAMPLE,
                    r.get("leastProgress"),
                    r.get("quietCalls"),
                    r.get("quietFaults"),
                    r.get("injectedAfterRemoval"),
                    r.get("netFaults"),
                    r.get("methodFaults"));

            String err = svc.stderr();
            err.lines().filter(l -> l.startsWith("[churn-new-classes]")).forEach(System.out::println);
            for (int at = err.indexOf("[churn-metaspace"); at >= 0; at = err.indexOf("[churn-metaspace", at + 1)) {
                int end = err.indexOf("[/churn-metaspace]", at);
                System.out.println(metaspaceSummary(err.substring(at, end < 0 ? err.length() : end)));
            }
            // Metaspace without the growth of the boot loader's non-class space: with the classes flat, that part moves
            // only
            // with the JIT's method profiles of the JDK's and the agent's own (boot class path) methods -- +20 KB over
            // a
            // run under C2, flat under C1 alone -- while a class, a class version or a loader left behind per cycle
            // would
            // show in the rest; the whole is bounded too, looser, so that profile growth cannot hide a leak
            // (RELIABILITY.md)
            long[] boot = longs(r.get("bootNonClass"));
            long[] withoutProfiles = new long[metaspace.length];
            for (int i = 0; i < metaspace.length; i++) withoutProfiles[i] = metaspace[i] - (boot[i] - boot[0]);
            System.out.printf(
                    "[churn] %s: Metaspace without the boot loader's profile growth %s bytes (%+.2f %% .. %+.2f %%);"
                            + " the boot loader's non-class space %s bytes%n",
                    jdk,
                    Arrays.toString(withoutProfiles),
                    drift(withoutProfiles, true),
                    drift(withoutProfiles, false),
                    r.get("bootNonClass"));
            assertTrue(
                    Math.abs(drift(withoutProfiles, true)) <= 1.0 && Math.abs(drift(withoutProfiles, false)) <= 1.0,
                    "Metaspace flat (+-1 %) without the JIT's profiles: " + Arrays.toString(withoutProfiles));
            assertTrue(
                    Math.abs(drift(metaspace, true)) <= METASPACE_BOUND
                            && Math.abs(drift(metaspace, false)) <= METASPACE_BOUND,
                    "Metaspace used flat: " + r.get("metaspace"));
            assertTrue(
                    Math.abs(drift(classes, true)) <= 1.0 && Math.abs(drift(classes, false)) <= 1.0,
                    "loaded classes flat: " + r.get("classes"));
            assertTrue(
                    Arrays.stream(progress).allMatch(p -> p > 0),
                    "every worker made calls in every window: " + r.get("leastProgress"));
            assertEquals("true", r.get("workersEnded"), "every worker ended when asked");
            assertTrue(
                    Long.parseLong(r.get("minQuietCalls")) >= QUIET,
                    "each worker made " + QUIET + " calls after the last removal: " + answer);
            assertEquals("0", r.get("quietFaults"), "no fault after the last removal");
            assertEquals(
                    "0",
                    r.get("injectedAfterRemoval"),
                    "the agent counted no injection after the last removal (latency included)");
            // the rules did act while armed: otherwise the test above proves nothing
            assertTrue(Long.parseLong(r.get("netFaults")) > 0 && Long.parseLong(r.get("methodFaults")) > 0, answer);
            assertEquals("0", r.get("active"));
            assertEquals(0, svc.list().length);
            assertEquals(0L, svc.attribute("InternalErrors"));
            assertEquals(0, svc.attribute("TransformErrors"));
        }
    }

    /** The lines of a VM.metaspace report that attribute a drift: the boot and app loaders, the totals, the freed blocks. */
    static String metaspaceSummary(String report) {
        StringBuilder out = new StringBuilder();
        String[] lines = report.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            int keep = l.contains("[churn-metaspace") || l.contains("Deallocated from chunks")
                    ? 1
                    : l.contains("CLD") && (l.contains(": \"<bootstrap>\",") || l.contains("\"app\""))
                            ? 4
                            : l.startsWith("Total Usage") ? 4 : 0;
            for (int k = 0; k < keep && i + k < lines.length; k++)
                out.append(lines[i + k]).append('\n');
        }
        return out.toString();
    }

    static Map<String, String> figures(String answer) {
        Map<String, String> out = new HashMap<>();
        for (String kv : answer.substring(3).split(" ")) {
            int eq = kv.indexOf('=');
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }

    static long[] longs(String csv) {
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** The lowest (or highest) sample against the first, in per cent. */
    static double drift(long[] samples, boolean lowest) {
        long base = samples[0];
        long extreme = lowest
                ? Arrays.stream(samples).min().getAsLong()
                : Arrays.stream(samples).max().getAsLong();
        return (extreme - base) * 100.0 / base;
    }
}
