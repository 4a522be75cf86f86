package dev.faultline.sidecar.cli;

import dev.faultline.sidecar.experiment.Experiment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * A command's words made into an experiment that has not started: the daemon's JMX {@code run()} starts it and
 * answers with its id. The words parse, and are refused, exactly as the command line's are.
 */
public final class ExperimentWords {
    private ExperimentWords() {}

    /**
     * The experiment these words make, or empty with {@code err} holding why, as the command line writes it:
     * picocli's refusal of a word, or {@code error: } and a check's message; nothing for help or a version.
     */
    public static Optional<Experiment> experiment(Runner runner, String[] args, PrintWriter err) {
        // plain container verbs skip picocli's model (~6 ms a call); anything else, and every refusal, is picocli's
        Optional<TargetedCommand> plain = PlainContainerCommand.parse(runner, args);
        if (plain.isPresent()) return schedule(plain.get(), err);
        CommandLine cl = SidecarCli.commandLine(runner, args);
        cl.setErr(err);
        cl.setOut(new PrintWriter(new StringWriter()));
        TargetedCommand verb = targetedVerb(cl, args);
        if (verb == null) { // refused, help, a version, or the daemon verb: picocli runs them as it always did
            cl.execute(args);
            return Optional.empty();
        }
        return schedule(verb, err);
    }

    /** The verb the words name, every word taken; null when refused, for help or a version, or not a targeted verb. */
    private static TargetedCommand targetedVerb(CommandLine cl, String[] args) {
        ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException refused) {
            return null;
        }
        for (ParseResult p = parsed; ; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return null;
            if (!p.hasSubcommand()) return p.commandSpec().userObject() instanceof TargetedCommand verb ? verb : null;
        }
    }

    /** As picocli's {@code execute} runs a verb under SidecarCli's handler: an exception is an {@code error: } line. */
    private static Optional<Experiment> schedule(TargetedCommand verb, PrintWriter err) {
        SidecarCli cli = verb.cli();
        try {
            return Optional.of(Scheduler.experiment(verb.plan(), cli.runner, cli::runtime));
        } catch (Exception e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Optional.empty();
        }
    }
}
