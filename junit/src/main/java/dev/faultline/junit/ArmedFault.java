package dev.faultline.junit;

/** One fault armed through {@link Faults#arm}: its injection count, and {@link #close()} to remove it early. */
public final class ArmedFault implements AutoCloseable {
    private final InProcessAgent agent;
    private final String id;
    private final String spec;
    private volatile boolean closed;
    private volatile long finalCount;

    ArmedFault(InProcessAgent agent, String id, String spec) {
        this.agent = agent;
        this.id = id;
        this.spec = spec;
    }

    /** The agent's id of this fault ({@code f12}), as {@code list()} and the Fault MBean name it. */
    public String id() {
        return id;
    }

    public String spec() {
        return spec;
    }

    /** How often the agent injected this fault so far (after {@link #close()}: the count it ended with). */
    public long injected() {
        if (closed) return finalCount;
        return agent.injected(id).orElse(finalCount);
    }

    /** Removes the fault now; idempotent. What a test leaves armed is removed after it anyway. */
    @Override
    public synchronized void close() {
        if (closed) return;
        finalCount = agent.injected(id).orElse(0L);
        closed = true;
        agent.remove(id);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return id + " " + spec;
    }
}
