package dev.faultline.agent.bootstrap;

/**
 * Told of each injection, on the injecting thread, right after a rule's gate fired and before the fault acts: the
 * OpenTelemetry bridge puts the injection on the span current there. Never told of a call the gate let pass.
 */
public interface InjectionListener {
    void injected(FaultRule rule);
}
