package dev.faultline.bench.netty;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link NettyIoBenchmark} in three configurations, interleaved round by round (one JMH fork of each
 * configuration per round, so a busy machine's drift hits all three alike), and prints one table: per transport and
 * call the median ns/op, the median over rounds of the difference to the no-agent fork of the same round (with its
 * min–max), the same for the CPU time of all threads per op ({@link ThreadCpuProfiler}: on a shared machine the
 * figure to read), and bytes allocated per op (JMH's gc profiler, all threads: the event loop's included). Usage:
 * {@code java -cp benchmarks.jar dev.faultline.bench.netty.NettyHookCostRunner <agent jar> [rounds] [iterations] [warm-up iterations]}
 * (iterations of 1 s; the expiring rule of "nothing armed" needs a warm-up of 2 s or more).
 */
public final class NettyHookCostRunner {
    private NettyHookCostRunner() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1)
            throw new IllegalArgumentException(
                    "usage: NettyHookCostRunner <faultline-agent.jar> [rounds] [iterations] [warm-up iterations]"
                            + " [previous faultline-agent.jar]");
        String jar = new File(args[0]).getAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int warmups = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        // a faults file installs the hooks before main; a rule that expires within the first warm-up second leaves
        // them installed with nothing armed
        Path expiring = Files.createTempFile("faultline-bench", ".faults");
        Files.writeString(expiring, "error on=read port=1 ttl=1s\n");
        Path otherPort = Files.createTempFile("faultline-bench", ".faults");
        Files.writeString(otherPort, "latency on=read port=1 delay=1s ttl=0\nlatency on=write port=1 delay=1s ttl=0\n");
        Map<String, String[]> configs = new LinkedHashMap<>();
        configs.put("no agent", new String[0]);
        configs.put(
                "agent, hooks installed, nothing armed",
                new String[] {"-javaagent:" + jar + "=log.level=warn,faults=" + expiring});
        configs.put(
                "agent, rule for another port",
                new String[] {"-javaagent:" + jar + "=log.level=warn,faults=" + otherPort});
        // another build of the agent (e.g. main before a change), compared in the same run, paired by round
        if (args.length > 4) {
            String previous = "-javaagent:" + new File(args[4]).getAbsolutePath() + "=log.level=warn,faults=";
            configs.put("previous agent, hooks installed, nothing armed", new String[] {previous + expiring});
            configs.put("previous agent, rule for another port", new String[] {previous + otherPort});
        }
        // BENCH_CONFIGS=nothing.armed (a regex of the configurations' names) runs only those, beside no agent: more
        // rounds of one comparison in the same time
        String only = System.getenv().getOrDefault("BENCH_CONFIGS", "");
        if (!only.isEmpty()) configs.keySet().removeIf(k -> !k.equals("no agent") && !k.matches(".*(" + only + ").*"));
        // BENCH_CALLS=fireRead (a regex of NettyIoBenchmark's methods) runs only those
        String calls = System.getenv().getOrDefault("BENCH_CALLS", "");
        // [config][benchmark@transport] -> per round {ns/op, B/op}
        Map<String, Map<String, List<double[]>>> scores = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, String[]> config : configs.entrySet()) {
                System.err.printf("round %d of %d: %s%n", round, rounds, config.getKey());
                OptionsBuilder o = new OptionsBuilder();
                o.include(NettyIoBenchmark.class.getName() + (calls.isEmpty() ? "" : "\\.(" + calls + ")$"))
                        .forks(1)
                        .warmupIterations(warmups)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(iterations)
                        .measurementTime(TimeValue.seconds(1))
                        .addProfiler("gc")
                        .addProfiler(ThreadCpuProfiler.class)
                        .jvmArgsAppend(config.getValue());
                for (RunResult r : new Runner(o.build()).run()) {
                    String call = r.getParams().getBenchmark().replaceAll(".*\\.", "") + " "
                            + r.getParams().getParam("transport");
                    scores.computeIfAbsent(config.getKey(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(call, k -> new ArrayList<>())
                            .add(new double[] {
                                r.getPrimaryResult().getScore(),
                                secondary(r, "cpu.time.norm"),
                                secondary(r, "gc.alloc.rate.norm")
                            });
                }
            }
        }
        System.out.println();
        System.out.println("| call | transport | configuration | wall ns/op | added wall ns/op (min – max) | CPU ns/op"
                + " | added CPU ns/op (min – max) | B/op | added B/op |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        Map<String, List<double[]>> base = scores.get("no agent");
        for (String call : base.keySet()) {
            for (String config : configs.keySet()) {
                List<double[]> s = scores.get(config).get(call);
                List<double[]> b = base.get(call);
                String[] names = call.split(" ");
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %.2f | %+.2f |%n",
                        names[0],
                        names[1],
                        config,
                        figures(s, b, 0),
                        figures(s, b, 1),
                        median(column(s, 2)),
                        median(added(s, b, 2)));
            }
        }
    }

    /** Median of one figure over the rounds | median of its paired differences (their min – max). */
    private static String figures(List<double[]> rows, List<double[]> base, int i) {
        double[] added = added(rows, base, i);
        return String.format(
                Locale.ROOT,
                "%.1f | %+.1f (%+.1f – %+.1f)",
                median(column(rows, i)),
                median(added),
                min(added),
                max(added));
    }

    private static double[] added(List<double[]> rows, List<double[]> base, int i) {
        double[] d = new double[rows.size()];
        for (int r = 0; r < d.length; r++) d[r] = rows.get(r)[i] - base.get(r)[i];
        return d;
    }

    private static double secondary(RunResult r, String label) {
        Result<?> result = r.getSecondaryResults().get(label);
        return result == null ? Double.NaN : result.getScore();
    }

    private static double[] column(List<double[]> rows, int i) {
        return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
