package dev.faultline.agent.bootstrap;

import java.util.Arrays;

/**
 * The one exemption policy: the agent's own traffic and control threads are never faulted, so a 100 % error
 * rule cannot lock the operator out. Network hooks skip connections on the agent's listening ports (JMX,
 * metrics; RMI's server threads are not ours by name) and anything done on the agent's {@code faultline-*}
 * threads; method hooks also skip the threads that serve the way back ({@code RMI …}, {@code JMX …}), so a rule
 * on a class the control plane uses (a HashMap, a stream) cannot stop remove or clear.
 */
public final class Exemption {
    private static volatile int[] ports = new int[0];

    private Exemption() {}

    public static void exemptLocalPort(int port) {
        if (port <= 0) return;
        int[] old = ports;
        int[] next = Arrays.copyOf(old, old.length + 1);
        next[old.length] = port;
        ports = next;
    }

    /** For a network call on {@code localPort}: one of our listening ports, or one of our threads. */
    public static boolean isExempt(int localPort) {
        for (int p : ports) {
            if (p == localPort) return true;
        }
        return isAgentThread();
    }

    public static boolean isAgentThread() {
        return isAgentThread(Thread.currentThread().getName());
    }

    static boolean isAgentThread(String name) {
        return name.startsWith("faultline-");
    }

    /** For a method call: the agent's threads and the ones serving JMX over RMI. */
    public static boolean isControlThread(String name) {
        return isAgentThread(name) || name.startsWith("RMI ") || name.startsWith("JMX ");
    }
}
