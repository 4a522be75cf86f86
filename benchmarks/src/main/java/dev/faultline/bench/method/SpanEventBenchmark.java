package dev.faultline.bench.method;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the {@code faultline.fault} span event per injection (issue 24): a method whose rule injects on every
 * call ({@code latency delay=0ms}: the whole injected path, no pause), with OpenTelemetry absent, present with no
 * span current, or present with a recording span current — the application's SDK, or the OpenTelemetry Java agent.
 * What {@code otel} says must match the fork's class path and agents: {@link SpanEventMain} sets both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpanEventBenchmark {
    /** absent: no OpenTelemetry class anywhere; sdk: opentelemetry-sdk on the class path; agent: the Java agent. */
    @Param("absent")
    public String otel;

    /** Whether a recording span is current on the calling thread (only with OpenTelemetry). */
    @Param("false")
    public boolean span;

    private final Targets.Instrumented instrumented = new Targets.Instrumented();
    private int x = 17;
    private String id;
    private AutoCloseable current;

    @Setup(Level.Trial)
    public void arm() throws Exception {
        id = Faultline.add(
                "latency on=method class=" + Targets.Instrumented.class.getName() + " method=work delay=0ms ttl=0");
        if (span) current = CurrentSpan.open(otel); // CurrentSpan names OpenTelemetry types: loaded only here
    }

    @TearDown(Level.Trial)
    public void disarm() throws Exception {
        if (current != null) current.close();
        Faultline.remove(id);
    }

    @Benchmark
    public int injected() {
        return instrumented.work(x);
    }
}
