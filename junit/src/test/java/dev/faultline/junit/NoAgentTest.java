package dev.faultline.junit;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Run by the surefire execution "no-agent" only: a JVM without -javaagent. */
class NoAgentTest {
    @Test
    void aFaultTestFailsWithOneLineThatNamesThePluginGoal() {
        assumeTrue(Boolean.getBoolean("faultline.no.agent"), "runs in the surefire execution no-agent only");
        assertNull(System.getProperty(InProcessAgent.STARTED_PROPERTY), "this run must have no agent");
        ScenarioRun.tests(WantsAFault.class)
                .assertStatistics(s -> s.started(2).failed(2))
                .assertThatEvents()
                .haveExactly(2, event(test(), finishedWithFailure(message(InProcessAgent.NOT_LOADED))));
    }

    @ExtendWith(FaultlineExtension.class)
    static class WantsAFault {
        @Test
        @Fault("error on=connect port=6379")
        void annotated() {}

        @Test
        void parameter(Faults faults) {}
    }
}
