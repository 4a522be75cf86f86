package dev.faultline.agent.fault;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.ThrowableFactory;

/**
 * A family of faults (network hooks, method faults, process faults). The registry validates a spec with
 * the handler that accepts it, then arms it; {@link #prepare} must refuse with a
 * {@link dev.faultline.agent.spec.SpecException} before anything changes.
 */
public interface FaultHandler {
    boolean accepts(FaultSpec spec);

    /** Checks everything that can be checked before arming and returns how the fault makes exceptions. */
    ThrowableFactory prepare(FaultSpec spec);

    void arm(FaultRule rule);

    void disarm(FaultRule rule);
}
