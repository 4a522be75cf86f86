package dev.faultline.bench.method;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link SpanEventBenchmark} for one OpenTelemetry set-up; {@code bash benchmarks/run.sh span-event} runs the
 * three, each from a JVM whose class path has OpenTelemetry or not (the forks inherit it):
 * {@code SpanEventMain <faultline-agent.jar> absent|sdk|agent [opentelemetry-javaagent.jar]}.
 */
public final class SpanEventMain {
    private SpanEventMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || (args[1].equals("agent") && args.length < 3))
            throw new IllegalArgumentException(
                    "usage: SpanEventMain <faultline-agent.jar> absent|sdk|agent [opentelemetry-javaagent.jar]");
        List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m"));
        if (args[1].equals("agent")) {
            jvm.addAll(List.of(
                    "-javaagent:" + args[2],
                    "-Dotel.traces.exporter=none",
                    "-Dotel.metrics.exporter=none",
                    "-Dotel.logs.exporter=none"));
        }
        jvm.add("-javaagent:" + args[0] + "=log.level=warn");
        new Runner(new OptionsBuilder()
                        .include(SpanEventBenchmark.class.getName())
                        .param("otel", args[1])
                        .param(
                                "span",
                                args[1].equals("absent") ? new String[] {"false"} : new String[] {"false", "true"})
                        .forks(Integer.getInteger("forks", 1))
                        .measurementIterations(Integer.getInteger("iterations", 5))
                        .jvmArgsAppend(jvm.toArray(new String[0]))
                        .build())
                .run();
    }
}
