package dev.faultline.bench.method;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ByteArrayClassLoader;
import net.bytebuddy.implementation.FixedValue;
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
 * Time from {@code add} to the first injected call, for a rule whose {@code class=X+} matches 1, 100 or 1,000
 * loaded classes (all implementors of one interface, generated and loaded before the measurement). One shot
 * per iteration: add the rule, call a matched method until it throws the injected exception; the rule is
 * removed (classes restored) between shots, outside the measured time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = 1)
@Measurement(iterations = 20, batchSize = 1)
@Fork(1)
public class TimeToFirstInjectionBenchmark {
    @Param({"1", "100", "1000"})
    public int classes;

    private String marker;
    private Callable<?> last;
    private String id;

    @Setup(Level.Trial)
    public void loadClasses() throws Exception {
        String pkg = "dev.faultline.bench.generated.n" + classes;
        marker = pkg + ".Marker";
        Map<String, byte[]> types = new HashMap<>();
        DynamicType.Unloaded<?> markerType =
                new ByteBuddy().makeInterface().name(marker).make();
        types.put(marker, markerType.getBytes());
        for (int i = 0; i < classes; i++) {
            String name = pkg + ".Target" + i;
            types.put(
                    name,
                    new ByteBuddy()
                            .subclass(Object.class)
                            .name(name)
                            .implement(markerType.getTypeDescription())
                            .implement(Callable.class)
                            .defineMethod("call", Object.class, Visibility.PUBLIC)
                            .intercept(FixedValue.value("ok"))
                            .make()
                            .getBytes());
        }
        ByteArrayClassLoader loader = new ByteArrayClassLoader(getClass().getClassLoader(), types);
        for (int i = 0; i < classes; i++) {
            Callable<?> c = (Callable<?>) Class.forName(pkg + ".Target" + i, true, loader)
                    .getConstructor()
                    .newInstance();
            c.call();
            last = c;
        }
    }

    @TearDown(Level.Iteration)
    public void removeRule() throws Exception {
        if (id != null) Faultline.remove(id);
        id = null;
    }

    @Benchmark
    public int addUntilFirstInjection() throws Exception {
        id = Faultline.add("error on=method class=" + marker
                + "+ method=call exception=java.lang.IllegalStateException message=first ttl=0");
        for (int calls = 1; ; calls++) {
            try {
                last.call();
            } catch (IllegalStateException injected) {
                return calls;
            }
            if (calls > 1_000_000) throw new AssertionError("the rule never fired");
        }
    }
}
