package dev.faultline.samples.fleet;

import java.util.List;

/** hello-service replicas that share one downstream, however they run (local processes or containers). */
public interface Fleet extends AutoCloseable {

    List<Replica> replicas();

    /** The downstream's port as the replicas connect to it: what a {@code port=} selector must name. */
    int downstreamPort();

    /** Where the agent's JMX connector is reached from here. */
    default String jmxHost() {
        return "127.0.0.1";
    }

    /** {@code {user, password}} for the agents' JMX connectors (they always ask). */
    String[] jmxCredentials();

    @Override
    void close();
}
