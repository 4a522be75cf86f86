package dev.faultline.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link HookCostBenchmark} in three configurations, interleaved, and prints one table with the
 * differences against the run without the agent, and the bytes allocated per call (JMH's gc profiler).
 * Usage: {@code java -cp benchmarks.jar dev.faultline.bench.HookCostRunner <agent jar> [forks] [iterations]}.
 */
public final class HookCostRunner {
    public static void main(String[] args) throws Exception {
        String jar = new File(args[0]).getAbsolutePath();
        int forks = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path faults = Files.createTempFile("faultline-bench", ".faults");
        Files.writeString(faults, "error on=read port=1 ttl=0\nerror on=dns host=never.example ttl=0\n");
        // the hooks are installed by the first add() (or a faults file): a rule that expires within the first warm-up
        // second leaves them installed with nothing armed, which is what "nothing armed" measures
        Path expiring = Files.createTempFile("faultline-bench", ".faults");
        Files.writeString(expiring, "error on=read port=1 ttl=1s\n");
        String[][] configs = {
            {"no agent"},
            {"agent loaded, no add() yet (no hooks)", "-javaagent:" + jar + "=log.level=warn"},
            {"agent, hooks installed, nothing armed", "-javaagent:" + jar + "=log.level=warn,faults=" + expiring},
            {"agent, rule for another port/host", "-javaagent:" + jar + "=log.level=warn,faults=" + faults},
        };
        List<String[]> rows = new ArrayList<>();
        double[][] base = new double[2][];
        for (String[] config : configs) {
            ChainedOptionsBuilder o = new OptionsBuilder()
                    .include(HookCostBenchmark.class.getName())
                    .forks(forks)
                    .warmupIterations(3)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(iterations)
                    .measurementTime(TimeValue.seconds(1))
                    .addProfiler("gc")
                    .jvmArgsAppend(config.length > 1 ? new String[] {config[1]} : new String[0]);
            Collection<RunResult> results = new Runner(o.build()).run();
            for (RunResult r : results) {
                String bench = r.getParams().getBenchmark().replaceAll(".*\\.", "");
                double ns = r.getPrimaryResult().getScore();
                double err = r.getPrimaryResult().getScoreError();
                double alloc = r.getSecondaryResults().containsKey("gc.alloc.rate.norm")
                        ? r.getSecondaryResults().get("gc.alloc.rate.norm").getScore()
                        : Double.NaN;
                int b = bench.equals("readNothing") ? 0 : 1;
                if (config.length == 1) base[b] = new double[] {ns, alloc};
                rows.add(new String[] {
                    config[0],
                    bench,
                    fmt(ns) + " ± " + fmt(err),
                    base[b] == null ? "" : fmt(ns - base[b][0]),
                    fmt(alloc),
                    base[b] == null ? "" : fmt(alloc - base[b][1])
                });
            }
        }
        System.out.println();
        System.out.println("| configuration | call | ns/call | added ns/call | B/call | added B/call |");
        System.out.println("|---|---|---|---|---|---|");
        for (String[] r : rows) System.out.println("| " + String.join(" | ", r) + " |");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
