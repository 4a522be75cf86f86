package dev.faultline.agent.hook;

/**
 * The agent's own traffic is never faulted, so a 100 % error rule cannot lock the operator out: connections
 * on the agent's listening ports (JMX, metrics; RMI's server threads are not ours by name), and anything
 * done on the agent's own {@code faultline-*} threads.
 */
public final class Exemption {
    private static volatile int[] ports = new int[0];

    private Exemption() {
    }

    public static void exemptLocalPort(int port) {
        if (port <= 0) return;
        int[] old = ports;
        int[] next = java.util.Arrays.copyOf(old, old.length + 1);
        next[old.length] = port;
        ports = next;
    }

    static boolean isExempt(int localPort) {
        for (int p : ports) {
            if (p == localPort) return true;
        }
        return isAgentThread();
    }

    static boolean isAgentThread() {
        return Thread.currentThread().getName().startsWith("faultline-");
    }
}
