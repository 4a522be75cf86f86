package dev.faultline.junit;

import java.util.ArrayList;
import java.util.List;

/**
 * A test's door to the agent, injected as a test parameter by {@link FaultlineExtension}: {@link #arm} faults in the
 * middle of a test (with a port or host known only at run time); everything still armed is removed after the test.
 */
public final class Faults {
    private final InProcessAgent agent;
    private final List<ArmedFault> armed = new ArrayList<>();

    Faults(InProcessAgent agent) {
        this.agent = agent;
    }

    /**
     * Arms one fault of the agent's grammar, e.g. {@code "latency on=read port=6379 delay=20ms limit=3"}.
     *
     * @throws IllegalArgumentException with the agent's own message when the agent refuses the spec
     */
    public ArmedFault arm(String spec) {
        ArmedFault fault = new ArmedFault(agent, agent.add(spec), spec);
        synchronized (armed) {
            armed.add(fault);
        }
        return fault;
    }

    /** Removes every fault this test armed and has not closed (in reverse order). */
    void removeAll() {
        List<ArmedFault> left;
        synchronized (armed) {
            left = new ArrayList<>(armed);
            armed.clear();
        }
        RuntimeException first = null;
        for (int i = left.size() - 1; i >= 0; i--) {
            try {
                left.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
