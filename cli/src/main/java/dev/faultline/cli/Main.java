package dev.faultline.cli;

import dev.faultline.cli.command.FaultlineCli;
import dev.faultline.cli.experiment.ExperimentCommand;
import dev.faultline.cli.fleet.ShortConnects;
import picocli.CommandLine;

/** {@code faultline …}: see {@link FaultlineCli}. Exit codes: 0 ok, 1 some target (or the file) failed, 2 usage. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ShortConnects.install();
        System.exit(commandLine().execute(args));
    }

    /** Every command: the operator's, then experiment files. */
    public static CommandLine commandLine() {
        return ExperimentCommand.commandLine();
    }
}
