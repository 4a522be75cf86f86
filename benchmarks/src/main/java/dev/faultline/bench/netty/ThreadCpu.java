package dev.faultline.bench.netty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of the JVM's Java threads, the application's and the agent's: JMX does not list the JIT compiler's and the
 * garbage collector's threads, whose work in a short run depends on what happens to be compiled when.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> at;

    private ThreadCpu(Map<Long, Long> at) {
        this.at = at;
    }

    static ThreadCpu now() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long ns = THREADS.getThreadCpuTime(id);
            if (ns >= 0) cpu.put(id, ns);
        }
        return new ThreadCpu(cpu);
    }

    /** Nanoseconds of CPU the threads used since {@code before}; a thread started since counts from zero, one that ended is lost. */
    long nanosSince(ThreadCpu before) {
        long used = 0;
        for (Map.Entry<Long, Long> t : at.entrySet()) used += t.getValue() - before.at.getOrDefault(t.getKey(), 0L);
        return used;
    }
}
