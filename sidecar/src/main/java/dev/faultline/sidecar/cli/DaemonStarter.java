package dev.faultline.sidecar.cli;

import dev.faultline.common.jmx.JmxOptions;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import java.util.function.Supplier;

/**
 * What the {@code daemon} verb starts once its words are parsed and checked: the JMX daemon, handed in by {@code Main}.
 * The daemon parses {@code run("…")} with this package's command line, so the command line names it only here, as a
 * type it owns, and the two packages do not import each other.
 */
@FunctionalInterface
public interface DaemonStarter {
    /** Runs until stopped; returns the exit code. */
    int run(JmxOptions jmx, int metricsPort, String metricsHost, Journal journal, Supplier<ContainerRuntime> runtime)
            throws Exception;
}
