package dev.faultline.sidecar.experiment.change;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The changes this process has in force, and those whose revert could not be verified yet: they are retried in the
 * background with growing pauses (a daemon lives on; a command line exits and leaves them to the watchdog and the
 * next start), shown by {@code list()} and counted for {@code /metrics}.
 */
public final class OpenChanges {
    private static final Set<Change> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicLong FAILED_REVERTS = new AtomicLong();
    static final long MAX_PAUSE_MS = 30_000;

    private OpenChanges() {}

    static void opened(Change c) {
        OPEN.add(c);
    }

    static void closed(Change c) {
        OPEN.remove(c);
    }

    static void revertFailed() {
        FAILED_REVERTS.incrementAndGet();
    }

    /** Revert attempts that did not leave the target verified clean, since start. */
    public static long failedReverts() {
        return FAILED_REVERTS.get();
    }

    /** Changes whose revert has failed and is being retried. */
    public static List<Change> pendingReverts() {
        return OPEN.stream().filter(Change::revertPending).toList();
    }

    /** One thread per stuck change, only while it is stuck: nothing idles when every revert succeeds. */
    static void retryInBackground(Change c) {
        Thread t = new Thread(
                () -> {
                    long pause = 1_000;
                    while (!c.revert()) {
                        try {
                            Thread.sleep(pause);
                        } catch (InterruptedException e) {
                            return;
                        }
                        pause = Math.min(MAX_PAUSE_MS, pause * 2);
                    }
                },
                "faultline-revert-retry-" + c.id());
        t.setDaemon(true);
        t.start();
    }
}
