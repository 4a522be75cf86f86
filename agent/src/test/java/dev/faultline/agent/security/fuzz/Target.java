package dev.faultline.agent.security.fuzz;

/** The only class the fuzzed method rules may name: small, so an accepted rule's retransformation is cheap. */
public class Target {
    private int calls;

    public int work() {
        return ++calls;
    }
}
