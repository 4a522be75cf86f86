package dev.faultline.bench.method;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the method-fault benchmarks in JMH forks started with the built agent:
 * {@code bash benchmarks/run.sh method} (or {@code java -cp benchmarks/target/faultline-benchmarks.jar dev.faultline.bench.method.BenchMain <faultline-agent.jar> [regex]}).
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1)
            throw new IllegalArgumentException("usage: BenchMain <faultline-agent.jar> [benchmark regex]");
        new Runner(new OptionsBuilder()
                        .include(args.length > 1 ? args[1] : "dev\\.faultline\\.agent\\.method\\.bench\\..*")
                        .jvmArgsAppend("-javaagent:" + args[0] + "=log.level=warn", "-Xms512m", "-Xmx512m")
                        .build())
                .run();
    }
}
