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
 * The cost of calling a method that an armed {@code on=method} rule instruments while its gate does not fire,
 * against the same method uninstrumented (in the same JVM). Gates: {@code after=1h} (the rule is not yet
 * due: a clock read), {@code probability=0.0} (the rule counts the call, then the dice say no).
 * Run with the agent: see BENCHMARKS.md ({@link BenchMain}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MethodHookBenchmark {
    @Param({"after=1h", "probability=0.0"})
    public String gate;

    private final Targets.Instrumented instrumented = new Targets.Instrumented();
    private final Targets.Plain plain = new Targets.Plain();
    private int x = 17;
    private String id;

    @Setup(Level.Trial)
    public void arm() throws Exception {
        id = Faultline.add("latency on=method class=" + Targets.Instrumented.class.getName()
                + " method=work delay=10ms " + gate + " ttl=0");
    }

    @TearDown(Level.Trial)
    public void disarm() throws Exception {
        Faultline.remove(id);
    }

    @Benchmark
    public int uninstrumented() {
        return plain.work(x);
    }

    @Benchmark
    public int instrumentedGateNotFiring() {
        return instrumented.work(x);
    }
}
