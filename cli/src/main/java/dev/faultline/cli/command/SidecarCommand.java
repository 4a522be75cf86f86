package dev.faultline.cli.command;

import dev.faultline.cli.fleet.Call;
import dev.faultline.cli.fleet.Fleet;
import dev.faultline.cli.fleet.Target;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.common.words.Tokenizer;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faultline sidecar run|stop|list|stop-all --jmx HOST:PORT …}: the sidecar's MBean (design §3) on every target given. */
@Command(
        name = "sidecar",
        description = "Run, stop and list container experiments on sidecar daemons (dev.faultline:type=Sidecar).",
        mixinStandardHelpOptions = true,
        subcommands = {
            SidecarCommand.Run.class,
            SidecarCommand.Stop.class,
            SidecarCommand.ListExperiments.class,
            SidecarCommand.StopAll.class
        })
public final class SidecarCommand {
    abstract static class OnSidecars extends OnTargets {
        @Option(names = "--jmx", paramLabel = "HOST:PORT", description = "a sidecar daemon's JMX port; repeatable")
        List<String> jmx;

        @Option(
                names = "--docker-label",
                paramLabel = "KEY=VALUE",
                description =
                        "the running containers carrying this label (repeatable: all of them) are targets, "
                                + "each at its published JMX port (label dev.faultline.jmx.port=<container port>, or its only published TCP port)")
        List<String> dockerLabels;

        List<String> jmx() {
            return jmx;
        }

        List<String> dockerLabels() {
            return dockerLabels;
        }

        Target.Kind kind() {
            return Target.Kind.SIDECAR;
        }
    }

    @Command(
            name = "run",
            description =
                    "Start an experiment: run(command), the sidecar's own words, e.g. 'netem --duration 1m rate --rate 1mbit app'.",
            mixinStandardHelpOptions = true)
    static final class Run extends OnSidecars {
        @Parameters(
                arity = "1..*",
                paramLabel = "WORDS",
                description = "the sidecar command; give it after -- when it has options of its own")
        List<String> words;

        @Override
        Call operation() {
            return Call.of("run", line(words));
        }

        /** A cold JVM's attach takes seconds on a loaded node, and the daemon waits up to 25 s for all of them. */
        static final Duration JVM_TIMEOUT = Duration.ofSeconds(30);

        /** run(jvm …) answers once its faults are armed: unless --timeout is given, it gets the attaches' bound. */
        @Override
        public Fleet fleet() {
            boolean given = spec.commandLine().getParseResult().hasMatchedOption("--timeout");
            if (given || !words.contains(Verb.JVM.word())) return super.fleet();
            return new Fleet(options.credentials(), JVM_TIMEOUT);
        }

        /**
         * The words as the one line {@code run()} takes, which the daemon splits again ({@link Tokenizer}): a word
         * holding white space goes in double quotes so it stays one word (a jvm verb's spec); a word that already
         * holds quotes is the user's own quoting and goes as it is.
         */
        static String line(List<String> words) {
            return words.stream().map(Run::word).collect(Collectors.joining(" "));
        }

        static String word(String w) {
            return w.chars().anyMatch(Character::isWhitespace) && w.indexOf('"') < 0 ? '"' + w + '"' : w;
        }
    }

    @Command(
            name = "stop",
            description = "End one experiment and revert its changes: stop(id).",
            mixinStandardHelpOptions = true)
    static final class Stop extends OnSidecars {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        Call operation() {
            return Call.of("stop", id);
        }
    }

    @Command(name = "list", description = "Running and scheduled experiments: list().", mixinStandardHelpOptions = true)
    static final class ListExperiments extends OnSidecars {
        @Override
        Call operation() {
            return Call.of("list");
        }
    }

    @Command(name = "stop-all", description = "End every experiment: stopAll().", mixinStandardHelpOptions = true)
    static final class StopAll extends OnSidecars {
        @Override
        Call operation() {
            return Call.of("stopAll");
        }
    }
}
