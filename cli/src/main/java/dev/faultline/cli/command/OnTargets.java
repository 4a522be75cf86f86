package dev.faultline.cli.command;

import dev.faultline.cli.docker.DockerTargets;
import dev.faultline.cli.fleet.Answer;
import dev.faultline.cli.fleet.Call;
import dev.faultline.cli.fleet.Fleet;
import dev.faultline.cli.fleet.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A subcommand that makes one call on every target given with {@code --jmx} or found by {@code --docker-label}: agents or sidecars alike. */
abstract class OnTargets implements Callable<Integer> {
    @Mixin
    ControlPlaneOptions options;

    @Spec
    CommandSpec spec;

    /** The {@code --jmx} values (each subclass family declares the option with its own help text). */
    abstract List<String> jmx();

    /** The {@code --docker-label KEY=VALUE} values: every running container carrying all of them is a target. */
    abstract List<String> dockerLabels();

    abstract Target.Kind kind();

    abstract Call operation();

    @Override
    public Integer call() {
        String command = kind().word + " " + spec.name();
        return AnswerReport.print(
                command,
                answers(),
                options.json,
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** Makes the call on every target; an experiment's runner reads the answers (the ids it armed or started) from here. */
    public List<Answer> answers() {
        String refusal = refusalOfTargets();
        if (refusal != null) throw new ParameterException(spec.commandLine(), refusal);
        Call call = operation();
        List<Target> targets = new ArrayList<>(ControlPlaneOptions.targets(jmx(), kind()));
        targets.addAll(DockerTargets.find("--docker-label", dockerLabels(), kind(), options.timeout()));
        return fleet().each(targets, t -> call);
    }

    /** Null when the command names its targets well (parsing alone cannot say: either option will do), else why not. */
    String refusalOfTargets() {
        if ((jmx() == null || jmx().isEmpty())
                && (dockerLabels() == null || dockerLabels().isEmpty())) {
            return "name at least one target: --jmx HOST:PORT or --docker-label KEY=VALUE";
        }
        return DockerTargets.refusalOfLabels("--docker-label", dockerLabels());
    }

    public Fleet fleet() {
        return new Fleet(options.credentials(), options.timeout());
    }
}
