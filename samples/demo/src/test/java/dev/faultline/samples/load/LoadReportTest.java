package dev.faultline.samples.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadReportTest {

    private static LoadReport.Sample sample(double sentAtSeconds, double latencyMillis, boolean ok) {
        return new LoadReport.Sample((long) (sentAtSeconds * 1e9), (long) (latencyMillis * 1e6), ok);
    }

    @Test
    void totalsAndNearestRankPercentilesCountFailuresToo() {
        List<LoadReport.Sample> samples = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            samples.add(sample(0.01 * i, i, i <= 97)); // latencies 1..100 ms, the 3 slowest failed
        }
        LoadReport report = new LoadReport(samples, Duration.ofSeconds(1));
        assertEquals(100, report.requests());
        assertEquals(97, report.successes());
        assertEquals(3, report.errors());
        assertEquals(0.97, report.successRate(), 1e-9);
        assertEquals(50.0, report.p50Millis(), 1e-9);
        assertEquals(99.0, report.p99Millis(), 1e-9);
    }

    @Test
    void perSecondRowsGroupRequestsBySendTime() {
        LoadReport report = new LoadReport(
                List.of(sample(0.1, 10, true), sample(0.9, 30, false), sample(1.5, 20, true), sample(3.2, 40, true)),
                Duration.ofSeconds(4));
        List<LoadReport.Second> seconds = report.perSecond();
        assertEquals(
                List.of(
                        new LoadReport.Second(0, 2, 1, 1, 10.0, 30.0),
                        new LoadReport.Second(1, 1, 1, 0, 20.0, 20.0),
                        new LoadReport.Second(3, 1, 1, 0, 40.0, 40.0)),
                seconds);
    }

    @Test
    void anEmptyRunShowsNothingWorked() {
        LoadReport report = new LoadReport(List.of(), Duration.ofSeconds(1));
        assertEquals(0.0, report.successRate());
        assertEquals(1.0, report.errorRate());
    }
}
