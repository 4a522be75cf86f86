package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.faultline.junit.Fault;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Outcomes a test cannot show about itself: a test that must fail (a spec the agent refuses), and a parallel run.
 * The scenarios are nested classes, which surefire does not run on its own; the Jupiter engine runs them here, in this
 * JVM with its agent, and their events are checked.
 */
class ScenariosTest {
    /** What the agent says about {@link BadSpec#SPEC}, word for word (it is the agent's text, not this sample's). */
    static final String AGENT_SAYS = "delay=soon: not a duration";

    @Test
    void aRefusedSpecFailsOnlyThatTestWithTheAgentsMessage() {
        BadSpec.bodyRan.set(false);
        Events events = run(BadSpec.class, Map.of());
        events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        events.assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("refused"),
                                finishedWithFailure(message(m -> m.startsWith(
                                                "@Fault(\"" + BadSpec.SPEC + "\") refused by the Faultline agent: ")
                                        && m.contains(AGENT_SAYS)))));
        assertFalse(BadSpec.bodyRan.get(), "the body of the refused test did not run");
    }

    @Test
    void inParallelModeFaultTestsAreSerializedAndTheOthersRunTogether() {
        Parallel.reset();
        Events events = run(
                Parallel.class,
                Map.of(
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.mode.default", "concurrent",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"));
        events.assertStatistics(s -> s.started(5).succeeded(5));
        List<long[]> windows = new ArrayList<>(Parallel.windows);
        assertEquals(3, windows.size());
        windows.sort(Comparator.comparingLong(w -> w[0]));
        for (int i = 1; i < windows.size(); i++) {
            assertTrue(windows.get(i)[0] >= windows.get(i - 1)[1], "two fault tests overlapped");
        }
    }

    private static Events run(Class<?> scenario, Map<String, String> configuration) {
        Events events = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(selectClass(scenario))
                .execute()
                .testEvents();
        events.failed().stream() // for the reader of a failed assertion
                .forEach(e -> System.out.println(
                        scenario.getSimpleName() + " failed: " + e.getPayload().orElse(null)));
        return events;
    }

    static class BadSpec {
        static final String SPEC = "latency on=read port=6379 delay=soon";
        static final AtomicBoolean bodyRan = new AtomicBoolean();

        @Test
        @Fault(SPEC)
        void refused() {
            bodyRan.set(true);
        }

        @Test
        void theOtherTestRuns() {
            try (Jedis redis = Servers.redis()) {
                assertEquals("PONG", redis.ping());
            }
        }
    }

    /** Three tests refuse Redis connections, each only while it runs; two plain tests must meet at a barrier. */
    static class Parallel {
        static final List<long[]> windows = Collections.synchronizedList(new ArrayList<>());
        static volatile CyclicBarrier plain;

        static void reset() {
            windows.clear();
            plain = new CyclicBarrier(2);
        }

        private static void refusedThroughout() throws InterruptedException {
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                assertThrows(JedisConnectionException.class, () -> {
                    try (Jedis redis = Servers.redis()) {
                        redis.ping();
                    }
                });
                Thread.sleep(30);
            }
            windows.add(new long[] {start, System.nanoTime()});
        }

        @Test
        @Fault("error on=connect port=6379")
        void fault1() throws Exception {
            refusedThroughout();
        }

        @Test
        @Fault("error on=connect port=6379")
        void fault2() throws Exception {
            refusedThroughout();
        }

        @Test
        @Fault("error on=connect port=6379")
        void fault3() throws Exception {
            refusedThroughout();
        }

        @Test
        void plain1() throws Exception {
            plain.await(10, TimeUnit.SECONDS); // returns only if plain2 runs at the same time
        }

        @Test
        void plain2() throws Exception {
            plain.await(10, TimeUnit.SECONDS);
        }
    }
}
