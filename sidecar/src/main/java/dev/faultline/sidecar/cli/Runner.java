package dev.faultline.sidecar.cli;

import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.detect.Runtimes;

/** Where a parsed command runs: in the foreground (the CLI) or as a background experiment (the daemon's JMX run()). */
public interface Runner {
    /** The runtime the verbs act through; {@code flags} are the command's --runtime and --runtime-endpoint. */
    ContainerRuntime runtime(Runtimes.Flags flags);

    Journal journal();

    /** "cli" or "jmx": who asked, for the action log. */
    String who();

    String newId();

    /** Runs or schedules the experiment; returns the process exit code for the CLI. */
    int execute(Experiment experiment);
}
