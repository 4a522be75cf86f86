package dev.faultline.common.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ends a process with everything it started: SIGTERM to the whole tree, then SIGKILL to what is left after a grace.
 * The tree is read before the first signal: once a parent dies its children are re-parented and no longer its
 * descendants, so a {@code sh -c 'sleep 600 & sleep 600'} killed parent first would leave both sleeps running.
 */
public final class ProcessTree {
    /** How often the grace checks whether the tree has gone: a SIGTERMed sleep or tc ends within a millisecond. */
    private static final long POLL_MS = 5;

    /** SIGTERM first, SIGKILL after this: a hung tc, nsenter or sleep ends at the SIGTERM. */
    public static final Duration GRACE = Duration.ofSeconds(1);

    private ProcessTree() {}

    /** {@link #kill(ProcessHandle, Duration)} with the {@link #GRACE} of one second. */
    public static boolean kill(ProcessHandle root) {
        return kill(root, GRACE);
    }

    /**
     * SIGTERM to {@code root} and its descendants, SIGKILL to any still alive after {@code grace} (and to what they
     * started meanwhile); returns once all are gone or a second grace has passed (a task in an uninterruptible sleep
     * outlives even SIGKILL for a while). Returns whether all are gone.
     */
    public static boolean kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree =
                Stream.concat(Stream.of(root), root.descendants()).toList();
        tree.forEach(ProcessHandle::destroy);
        if (awaitGone(tree, grace)) return true;
        List<ProcessHandle> left = tree.stream()
                .filter(ProcessTree::running)
                .flatMap(h -> Stream.concat(Stream.of(h), h.descendants()))
                .distinct()
                .toList();
        left.forEach(ProcessHandle::destroyForcibly);
        return awaitGone(left, grace);
    }

    private static boolean awaitGone(List<ProcessHandle> processes, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (processes.stream().anyMatch(ProcessTree::running)) {
            if (System.nanoTime() - end > 0) return false;
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Alive and not a zombie. {@link ProcessHandle#isAlive} counts a zombie as alive: a killed grandchild whose parent
     * died too waits as one until init reaps it, which a container's init may do late or never.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int end = stat.lastIndexOf(')'); // the command name before it may hold spaces and parentheses
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException e) {
            return h.isAlive(); // gone meanwhile, or no /proc: what the JDK says
        }
    }
}
