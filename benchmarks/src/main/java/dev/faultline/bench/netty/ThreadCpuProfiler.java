package dev.faultline.bench.netty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of all the fork's threads (the benchmark thread and the event loop alike) per operation, as
 * {@code cpu.time.norm}. On a shared machine the wall time per operation also counts the time a thread waited for a
 * core; the CPU time does not, so the paired differences of this figure are far narrower.
 */
public final class ThreadCpuProfiler implements InternalProfiler {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Map<Long, Long> before = Map.of();

    @Override
    public String getDescription() {
        return "CPU time of all threads per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        before = snapshot();
    }

    @Override
    public Collection<? extends Result> afterIteration(
            BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
        long used = 0;
        for (Map.Entry<Long, Long> now : snapshot().entrySet()) {
            // a thread started during the iteration counts from zero; one that ended is lost (none do here)
            used += now.getValue() - before.getOrDefault(now.getKey(), 0L);
        }
        long ops = result.getMetadata().getAllOps();
        return List.of(new ScalarResult(
                "cpu.time.norm", ops == 0 ? Double.NaN : (double) used / ops, "ns/op", AggregationPolicy.AVG));
    }

    private Map<Long, Long> snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long ns = threads.getThreadCpuTime(id);
            if (ns >= 0) cpu.put(id, ns);
        }
        return cpu;
    }
}
