package dev.faultline.samples.load;

import dev.faultline.samples.report.ExperimentTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/** What a load run measured: every request's outcome, summed up in total and per second of the run. */
public final class LoadReport {

    /** One request: when it was sent (from the start of the run), how long it took, whether it succeeded. */
    public record Sample(long sentAtNanos, long latencyNanos, boolean success) {}

    /** One second of the run, by the time requests were sent. */
    public record Second(int second, int requests, int successes, int errors, double p50Millis, double p99Millis) {}

    private final List<Sample> samples;
    private final Duration duration;

    public LoadReport(List<Sample> samples, Duration duration) {
        this.samples = List.copyOf(samples);
        this.duration = duration;
    }

    public Duration duration() {
        return duration;
    }

    public int requests() {
        return samples.size();
    }

    public int successes() {
        return (int) samples.stream().filter(Sample::success).count();
    }

    public int errors() {
        return requests() - successes();
    }

    /** Successes over requests; 0 for a run that sent nothing (nothing was shown to work). */
    public double successRate() {
        return samples.isEmpty() ? 0 : (double) successes() / requests();
    }

    public double errorRate() {
        return samples.isEmpty() ? 1 : 1 - successRate();
    }

    /** Percentiles over all requests, failed ones included: a timeout is a latency the caller lived through. */
    public double p50Millis() {
        return percentileMillis(samples, 50);
    }

    public double p99Millis() {
        return percentileMillis(samples, 99);
    }

    public List<Second> perSecond() {
        TreeMap<Integer, List<Sample>> bySecond = new TreeMap<>();
        for (Sample s : samples) {
            bySecond.computeIfAbsent((int) (s.sentAtNanos() / 1_000_000_000L), k -> new ArrayList<>())
                    .add(s);
        }
        List<Second> seconds = new ArrayList<>();
        bySecond.forEach((second, list) -> {
            int ok = (int) list.stream().filter(Sample::success).count();
            seconds.add(new Second(
                    second, list.size(), ok, list.size() - ok, percentileMillis(list, 50), percentileMillis(list, 99)));
        });
        return seconds;
    }

    /** The per-second view, as a table. */
    public ExperimentTable perSecondTable(String title) {
        var table = new ExperimentTable(title, "second", "requests", "successes", "errors", "p50 ms", "p99 ms");
        for (Second s : perSecond()) {
            table.row(
                    s.second(),
                    s.requests(),
                    s.successes(),
                    s.errors(),
                    ExperimentTable.ms(s.p50Millis()),
                    ExperimentTable.ms(s.p99Millis()));
        }
        return table.row(
                "total",
                requests(),
                successes(),
                errors(),
                ExperimentTable.ms(p50Millis()),
                ExperimentTable.ms(p99Millis()));
    }

    /** Nearest-rank percentile. */
    static double percentileMillis(List<Sample> list, double percentile) {
        if (list.isEmpty()) {
            return Double.NaN;
        }
        long[] latencies = list.stream().mapToLong(Sample::latencyNanos).toArray();
        Arrays.sort(latencies);
        int rank = (int) Math.ceil(percentile / 100.0 * latencies.length);
        return latencies[Math.max(0, rank - 1)] / 1_000_000.0;
    }

    @Override
    public String toString() {
        return String.format(
                "%d requests, %d ok, %d errors (%.2f%% success), p50 %.1f ms, p99 %.1f ms",
                requests(), successes(), errors(), successRate() * 100, p50Millis(), p99Millis());
    }
}
