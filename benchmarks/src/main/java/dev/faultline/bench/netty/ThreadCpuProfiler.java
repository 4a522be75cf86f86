package dev.faultline.bench.netty;

import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of all the fork's Java threads (the benchmark thread and the event loop alike) per operation, as
 * {@code cpu.time.norm}. On a shared machine the wall time per operation also counts the time a thread waited for a
 * core; the CPU time does not, so the paired differences of this figure are far narrower.
 */
public final class ThreadCpuProfiler implements InternalProfiler {
    private ThreadCpu before;

    @Override
    public String getDescription() {
        return "CPU time of all Java threads per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        before = ThreadCpu.now();
    }

    @Override
    public Collection<? extends Result> afterIteration(
            BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
        long used = ThreadCpu.now().nanosSince(before);
        long ops = result.getMetadata().getAllOps();
        return List.of(new ScalarResult(
                "cpu.time.norm", ops == 0 ? Double.NaN : (double) used / ops, "ns/op", AggregationPolicy.AVG));
    }
}
