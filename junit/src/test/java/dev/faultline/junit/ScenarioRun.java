package dev.faultline.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs test classes of this JVM through the Jupiter engine, to see their outcomes (failures included) as events. */
final class ScenarioRun {
    private ScenarioRun() {}

    static Events tests(Class<?> scenario) {
        return tests(scenario, Map.of());
    }

    static Events tests(Class<?> scenario, Map<String, String> configuration) {
        Events events = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(selectClass(scenario))
                .execute()
                .testEvents();
        // the scenario's failures, for the reader of a failed assertion on its statistics
        events.failed().stream()
                .forEach(e -> System.out.println(
                        scenario.getSimpleName() + " " + e.getTestDescriptor().getDisplayName() + " failed: "
                                + e.getPayload().orElse(null)));
        return events;
    }
}
