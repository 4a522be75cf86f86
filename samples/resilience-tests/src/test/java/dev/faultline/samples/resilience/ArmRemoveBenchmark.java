package dev.faultline.samples.resilience;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.faultline.junit.Fault;
import java.util.Arrays;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * What one fault adds to a test: the same empty {@link RepeatedTest} with and without a {@code @Fault}, run through
 * the Jupiter engine in this JVM (the agent on its command line), round after round; the difference per test is the
 * extension's arm and remove through the platform MBean server. Not a test: run by hand (BENCHMARKS.md).
 */
public final class ArmRemoveBenchmark {
    static final int TESTS = 200;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        for (Class<?> faulted : new Class<?>[] {NetworkFault.class, MethodFault.class}) {
            long warm = System.nanoTime();
            run(Plain.class, 2); // warm-up: the engine, the JIT, the agent's hooks (first arm installs them)
            run(faulted, 2);
            System.out.printf("%s: warm-up %d ms%n", faulted.getSimpleName(), (System.nanoTime() - warm) / 1_000_000);
            double[] perTest = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long plain = run(Plain.class, 1);
                long with = run(faulted, 1);
                perTest[r] = (with - plain) / 1_000.0 / TESTS;
            }
            Arrays.sort(perTest);
            System.out.printf(
                    "%s: arm + remove per test, µs: median %.1f (min %.1f, max %.1f) over %d rounds of %d tests%n",
                    faulted.getSimpleName(), perTest[rounds / 2], perTest[0], perTest[rounds - 1], rounds, TESTS);
        }
    }

    private static long run(Class<?> scenario, int times) {
        long start = System.nanoTime();
        for (int i = 0; i < times; i++) {
            EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(scenario))
                    .execute()
                    .testEvents()
                    .assertStatistics(s -> s.succeeded(TESTS));
        }
        return (System.nanoTime() - start) / times;
    }

    static class Plain {
        @RepeatedTest(TESTS)
        void test() {}
    }

    static class NetworkFault {
        @RepeatedTest(TESTS)
        @Fault("error on=connect port=6379")
        void test() {}
    }

    static class MethodFault {
        @RepeatedTest(TESTS)
        @Fault("error on=method class=dev.faultline.samples.resilience.StockLookup method=units")
        void test() {}
    }
}
