package dev.faultline.cli.experiment;

import java.util.List;

/** Checks the arguments of a {@code process} provider whose path is {@code faultline}: null when they parse, else why not. */
@FunctionalInterface
public interface FaultlineArguments {
    String refusal(List<String> arguments);
}
