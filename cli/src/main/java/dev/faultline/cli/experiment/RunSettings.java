package dev.faultline.cli.experiment;

import java.time.Duration;
import java.util.Set;

/**
 * How a run checks its hypothesis and rolls back (Chaos Toolkit's settings), plus Faultline's: the lease margin and
 * the bound on an activity that gives no timeout of its own.
 */
record RunSettings(
        String hypothesisStrategy,
        Duration frequency,
        boolean failFast,
        String rollbackStrategy,
        Duration activityTimeout,
        Duration leaseMargin) {
    static final Set<String> HYPOTHESIS =
            Set.of("default", "before-method-only", "after-method-only", "during-method", "continuously");
    static final Set<String> ROLLBACK = Set.of("default", "always", "never", "deviated");

    RunSettings {
        if (hypothesisStrategy.equals("during-method-only"))
            hypothesisStrategy = "during-method"; // chaoslib's spelling
        if (!HYPOTHESIS.contains(hypothesisStrategy))
            throw new IllegalArgumentException(
                    "--hypothesis-strategy " + hypothesisStrategy + ": one of " + HYPOTHESIS);
        if (!ROLLBACK.contains(rollbackStrategy))
            throw new IllegalArgumentException("--rollback-strategy " + rollbackStrategy + ": one of " + ROLLBACK);
        if (frequency.toMillis() < 100)
            throw new IllegalArgumentException("--hypothesis-frequency must be at least 100ms");
    }

    boolean before() {
        return Set.of("default", "before-method-only", "continuously").contains(hypothesisStrategy);
    }

    boolean during() {
        return Set.of("during-method", "continuously").contains(hypothesisStrategy);
    }

    boolean after() {
        return Set.of("default", "after-method-only", "continuously").contains(hypothesisStrategy);
    }
}
