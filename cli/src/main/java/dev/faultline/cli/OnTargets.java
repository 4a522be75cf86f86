package dev.faultline.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** A subcommand that makes one call on every target given with {@code --jmx}: agents or sidecars alike. */
abstract class OnTargets implements Callable<Integer> {
    @Mixin ControlPlaneOptions options;

    @Spec CommandSpec spec;

    /** The {@code --jmx} values (each subclass family declares the option with its own help text). */
    abstract List<String> jmx();

    abstract Target.Kind kind();

    abstract Call operation();

    @Override
    public Integer call() {
        String command = kind().word + " " + spec.name();
        return AnswerReport.print(command, answers(), options.json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Makes the call on every target; an experiment's runner reads the answers (the ids it armed or started) from here. */
    public List<Answer> answers() {
        Call call = operation();
        return fleet().each(ControlPlaneOptions.targets(jmx(), kind()), t -> call);
    }

    public Fleet fleet() {
        return new Fleet(options.credentials(), options.timeout());
    }
}
