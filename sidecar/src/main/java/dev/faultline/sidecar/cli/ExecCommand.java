package dev.faultline.sidecar.cli;

import static dev.faultline.sidecar.cli.TargetedCommand.forEach;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.network.NetnsCommand;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;

/**
 * Pumba's {@code exec}: a command run in each target through the runtime (Docker's and Podman's exec, CRI's ExecSync,
 * containerd's Tasks.Exec), e.g. {@code exec --command "kill -STOP 1"}. As Pumba's containerd runtime does, a
 * {@code --command} without {@code --args} is split at white space (no shell: quotes are not read); with {@code --args}
 * it is the program and they its arguments. A command that exits non-zero, or outlives its deadline (killed then), is an error.
 */
@Command(
        name = Verb.EXEC_WORD,
        description = "Run a command in containers (as docker exec -u root), e.g. --command \"kill -STOP 1\".",
        mixinStandardHelpOptions = true)
final class ExecCommand extends TargetedCommand {
    private static final Logger log = LoggerFactory.getLogger("faultline.action");

    @ParentCommand
    SidecarCli cli;

    @Option(
            names = {"--command", "-s"},
            defaultValue = "kill 1",
            description = "the command run in the container (Pumba's; default: kill 1)")
    String command;

    @Option(
            names = {"--args", "-a"},
            preprocessor = AnyWord.class,
            description = "an argument of --command; repeat for more; may start with '-' (Pumba's: --args -la)")
    List<String> args;

    @Option(
            names = {"--limit", "-l"},
            defaultValue = "0",
            converter = ContainerVerbs.AtMost.class,
            description = "act on at most this many of the matches, chosen at random (Pumba's; 0, the default: all)")
    int limit;

    int atMost() {
        return limit;
    }

    SidecarCli cli() {
        return cli;
    }

    Verb verb() {
        return Verb.EXEC;
    }

    boolean runningOnly() {
        return true;
    }

    ExperimentPlan.Effect effect() {
        List<String> argv = argv(command, args);
        // Pumba's debug line names the command and its args apart, with --dry-run too
        log.debug("action=exec command=\"{}\" args={}", argv.get(0), argv.subList(1, argv.size()));
        return new Exec(argv);
    }

    /**
     * Takes the next word as an {@code --args} value whatever it looks like: Pumba's {@code exec --args -la} passes
     * an option to the command, which picocli would otherwise read as the sidecar's {@code -l} and {@code -a}.
     */
    static final class AnyWord implements IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> words, CommandSpec spec, ArgSpec option, Map<String, Object> info) {
            if (words.isEmpty())
                throw new ParameterException(
                        spec.commandLine(), "exec --args needs a value (an argument of --command)");
            List<String> values = option.getValue();
            List<String> more = values == null ? new ArrayList<>() : new ArrayList<>(values);
            more.add(words.pop());
            option.setValue(more);
            return true;
        }
    }

    /** Pumba's: the command split at white space when no --args are given, else the command and its args. */
    static List<String> argv(String command, List<String> args) {
        List<String> argv = new ArrayList<>();
        if (args == null || args.isEmpty()) {
            for (String w : command.strip().split("\\s+")) if (!w.isEmpty()) argv.add(w);
        } else {
            argv.add(command);
            argv.addAll(args);
        }
        if (argv.isEmpty()) throw new IllegalArgumentException("exec --command must not be empty");
        return List.copyOf(argv);
    }

    /** The exec, bounded by the sidecar's command deadline ({@link NetnsCommand#DEADLINE}, 30 s). */
    record Exec(List<String> argv) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.EXEC.word() + " --command " + String.join(" ", argv);
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            return ts -> forEach(ts, t -> {
                int code = runtime.get().exec(t, argv, NetnsCommand.DEADLINE);
                log.info("action=exec container={} command=\"{}\" exit={}", t, String.join(" ", argv), code);
                if (code != 0)
                    throw new IllegalStateException(
                            "exec " + String.join(" ", argv) + " in " + t + " failed: exit code " + code);
            });
        }
    }
}
