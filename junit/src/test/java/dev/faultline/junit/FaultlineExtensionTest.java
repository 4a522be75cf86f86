package dev.faultline.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension against the agent loaded into this JVM by the plugin (this module's argLine): the scenarios are
 * nested classes (surefire does not pick them up by itself), run through the Jupiter engine to see each outcome.
 */
class FaultlineExtensionTest {
    @BeforeAll
    static void notInTheRunWithoutAgent() {
        assumeFalse(Boolean.getBoolean("faultline.no.agent"), "the surefire execution no-agent runs NoAgentTest only");
    }

    static final String METHOD_FAULT =
            "error on=method class=dev.faultline.junit.Greeter method=greet exception=java.io.IOException message=injected";

    @Test
    void aMethodFaultActsInItsTestAndNotInTheNext() {
        Events events = ScenarioRun.tests(MethodFaultThenNone.class);
        events.assertStatistics(s -> s.started(2).succeeded(2));
        assertEquals(0, InProcessAgent.connect().activeFaults(), "every fault is removed after its test");
    }

    @Test
    void aClassFaultActsInEachTestOfTheClass() {
        ScenarioRun.tests(ClassFault.class).assertStatistics(s -> s.started(2).succeeded(2));
        assertEquals(0, InProcessAgent.connect().activeFaults());
    }

    @Test
    void aClassFaultActsInItsNestedClassesToo() {
        ScenarioRun.tests(Outer.class).assertStatistics(s -> s.started(1).succeeded(1));
        assertEquals(0, InProcessAgent.connect().activeFaults());
    }

    @Test
    void aFaultOnARepeatedTestIsArmedOncePerRepetition() {
        ScenarioRun.tests(RepeatedWithFault.class)
                .assertStatistics(s -> s.started(2).succeeded(2));
        assertEquals(0, InProcessAgent.connect().activeFaults());
    }

    @Test
    void aFaultIsRemovedAfterAFailingTestToo() {
        ScenarioRun.tests(FailingWithFault.class)
                .assertStatistics(s -> s.started(1).failed(1));
        assertEquals(0, InProcessAgent.connect().activeFaults());
    }

    @Test
    void aRefusedSpecFailsOnlyItsTestWithTheAgentsMessageBeforeTheBody() {
        String agentSays = assertThrows(
                        IllegalArgumentException.class,
                        () -> InProcessAgent.connect().add(BadSpec.SPEC))
                .getMessage();
        BadSpec.bodyRan.set(false);
        Events events = ScenarioRun.tests(BadSpec.class);
        events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        events.assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("refused"),
                                finishedWithFailure(message("@Fault(\"" + BadSpec.SPEC
                                        + "\") refused by the Faultline agent: " + agentSays))));
        assertFalse(BadSpec.bodyRan.get(), "the body of a test whose fault was refused does not run");
        assertEquals(0, InProcessAgent.connect().activeFaults(), "the good fault before the bad one is removed");
    }

    @Test
    void aFaultsParameterArmsCountsAndRemoves() {
        ScenarioRun.tests(ArmedInTheBody.class)
                .assertStatistics(s -> s.started(1).succeeded(1));
        assertEquals(0, InProcessAgent.connect().activeFaults(), "what the body left armed is removed after it");
    }

    @Test
    void underParallelExecutionFaultTestsNeverOverlapAndTheOthersStillRunTogether() {
        Parallel.reset();
        ScenarioRun.tests(Parallel.class, PARALLEL)
                .assertStatistics(s -> s.started(6).succeeded(6));
        List<long[]> windows = new ArrayList<>(Parallel.windows);
        assertEquals(4, windows.size());
        windows.sort(Comparator.comparingLong(w -> w[0]));
        for (int i = 1; i < windows.size(); i++) {
            assertTrue(windows.get(i)[0] >= windows.get(i - 1)[1], "two fault tests overlapped: " + i);
        }
    }

    static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");

    /** Four fault tests (three by annotation, one by parameter only) and two plain ones that must meet. */
    @ExtendWith(FaultlineExtension.class)
    static class Parallel {
        static final List<long[]> windows = Collections.synchronizedList(new ArrayList<>());
        static volatile CyclicBarrier plain;

        static void reset() {
            windows.clear();
            plain = new CyclicBarrier(2);
        }

        /** Only this test's fault is armed from its start to its end. */
        private static void window() throws InterruptedException {
            long start = System.nanoTime();
            assertEquals(1, InProcessAgent.connect().activeFaults(), "another test's fault is armed");
            Thread.sleep(100);
            assertEquals(1, InProcessAgent.connect().activeFaults(), "another test's fault is armed");
            windows.add(new long[] {start, System.nanoTime()});
        }

        @Test
        @Fault(METHOD_FAULT)
        void fault1() throws Exception {
            window();
        }

        @Test
        @Fault(METHOD_FAULT)
        void fault2() throws Exception {
            window();
        }

        @Test
        @Fault(METHOD_FAULT)
        void fault3() throws Exception {
            window();
        }

        @Test
        void fault4(Faults faults) throws Exception {
            faults.arm(METHOD_FAULT);
            window();
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

    @ExtendWith(FaultlineExtension.class) // not needed with @Fault; here only to say it may be written
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class MethodFaultThenNone {
        @Test
        @Order(1)
        @Fault(METHOD_FAULT)
        void faulted() {
            IOException e = assertThrows(IOException.class, () -> Greeter.greet("a"));
            assertEquals("injected", e.getMessage());
        }

        @Test
        @Order(2)
        void clean() throws IOException {
            assertEquals("hello b", Greeter.greet("b"));
        }
    }

    @Fault(METHOD_FAULT)
    static class ClassFault {
        @Test
        void first() {
            assertThrows(IOException.class, () -> Greeter.greet("a"));
        }

        @Test
        void second() {
            assertThrows(IOException.class, () -> Greeter.greet("b"));
        }
    }

    @Fault(METHOD_FAULT)
    static class Outer {
        @Nested
        class Inner {
            @Test
            void seesTheOuterClassFault() {
                assertThrows(IOException.class, () -> Greeter.greet("n"));
            }
        }
    }

    static class RepeatedWithFault {
        @RepeatedTest(2)
        @Fault(METHOD_FAULT)
        void armedOnce() {
            assertEquals(1, InProcessAgent.connect().activeFaults(), "one @Fault, one fault armed");
        }
    }

    static class FailingWithFault {
        @Test
        @Fault(METHOD_FAULT)
        void fails() {
            throw new AssertionError("this test fails on purpose");
        }
    }

    static class BadSpec {
        static final String SPEC = "latency on=connect port=1 delay=soon";
        static final AtomicBoolean bodyRan = new AtomicBoolean();

        @Test
        @Fault(METHOD_FAULT)
        @Fault(SPEC)
        void refused() {
            bodyRan.set(true);
        }

        @Test
        void sibling() throws IOException {
            assertEquals("hello c", Greeter.greet("c"));
        }
    }

    @ExtendWith(FaultlineExtension.class) // a Faults parameter alone needs the extension registered
    static class ArmedInTheBody {
        @Test
        void body(Faults faults) throws IOException {
            Greeter.greet("warm"); // loaded, so the literal class= is found
            ArmedFault fault =
                    faults.arm("latency on=method class=dev.faultline.junit.Greeter method=greet delay=1ms limit=3");
            for (int i = 0; i < 10; i++) Greeter.greet("n" + i);
            assertEquals(3, fault.injected());
            fault.close();
            assertEquals(3, fault.injected(), "the count a closed fault ended with");
            assertEquals(0, InProcessAgent.connect().activeFaults());
            faults.arm(METHOD_FAULT); // left armed: the extension removes it
            assertThrows(IOException.class, () -> Greeter.greet("x"));
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> faults.arm("latency on=read delay=fast"));
            assertTrue(refused.getMessage().contains("fast"), refused.getMessage());
        }
    }
}
