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
        return take(0);
    }

    /**
     * The same, once the access log holds at least {@code logs} entries (or 10 s have passed): on a loaded machine the
     * log of the last response can come more than 200 ms after the client had it.
     */
    String take(int logs) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            synchronized (this) {
                int seen = logged.values().stream().mapToInt(Integer::intValue).sum();
                boolean complete = seen >= logs || System.nanoTime() > deadline;
                if (complete && System.nanoTime() - lastLogNanos > 200_000_000L) {
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
