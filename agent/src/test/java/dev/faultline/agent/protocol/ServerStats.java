package dev.faultline.agent.protocol;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What a probe app's server ran (its handler or servlet) and what its access log recorded. */
final class ServerStats {
    private int handled;
    private final Map<Integer, Integer> logged = new TreeMap<>();
    private final Set<Integer> clientPorts = new HashSet<>();
    private long lastLogNanos;

    synchronized void handled() {
        handled++;
    }

    synchronized void logged(int status, int clientPort) {
        logged.merge(status, 1, Integer::sum);
        clientPorts.add(clientPort);
        lastLogNanos = System.nanoTime();
    }

    /**
     * {@code handled=<n> <status>=<n>… connections=<n>} since the last call. An access log runs once the response is
     * written (after the client has it), so this waits until the log has been quiet for 200 ms.
     */
    String take() throws InterruptedException {
        while (true) {
            synchronized (this) {
                if (System.nanoTime() - lastLogNanos > 200_000_000L) {
                    StringBuilder b = new StringBuilder("handled=").append(handled);
                    logged.forEach((status, n) ->
                            b.append(' ').append(status).append('=').append(n));
                    b.append(" connections=").append(clientPorts.size());
                    handled = 0;
                    logged.clear();
                    clientPorts.clear();
                    return b.toString();
                }
            }
            Thread.sleep(50);
        }
    }
}
