package dev.faultline.sidecar.command;

import com.github.dockerjava.api.DockerClient;
import dev.faultline.sidecar.chaos.Experiment;
import dev.faultline.sidecar.journal.Journal;

/** Where a parsed command runs: in the foreground (the CLI) or as a background experiment (the daemon's JMX run()). */
public interface Context {
    DockerClient docker();

    Journal journal();

    /** "cli" or "jmx": who asked, for the action log. */
    String who();

    String newId();

    /** Runs or schedules the experiment; returns the process exit code for the CLI. */
    int execute(Experiment experiment);
}
