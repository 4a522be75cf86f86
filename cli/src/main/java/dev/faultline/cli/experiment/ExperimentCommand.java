package dev.faultline.cli.experiment;

import dev.faultline.cli.command.ExitCode;
import dev.faultline.cli.command.FaultlineCli;
import dev.faultline.common.json.JsonWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code faultline experiment validate|run FILE}: Chaos Toolkit experiment files. */
@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = "Chaos Toolkit experiment files (JSON or YAML).",
        subcommands = {ExperimentCommand.Validate.class, RunCommand.class})
public final class ExperimentCommand {
    /**
     * {@code faultline experiment run ARGS…} in this JVM, the file's {@code {"type": "env"}} values read from
     * {@code env} (what a program that starts the fleet itself, like the samples' demo, gives); returns the exit code.
     */
    /** {@code faultline} with every command: the operator's, then this one. */
    public static CommandLine commandLine() {
        return FaultlineCli.commandLine(ExperimentCommand.class);
    }

    public static int runInProcess(Function<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        RunCommand run = cl.getSubcommands()
                .get("experiment")
                .getSubcommands()
                .get("run")
                .getCommand();
        run.env = env;
        String[] all = new String[args.length + 2];
        all[0] = "experiment";
        all[1] = "run";
        System.arraycopy(args, 0, all, 2, args.length);
        return cl.execute(all);
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description =
                    "Check an experiment file; every refusal names its JSON path. Arms nothing, calls no target. Exit 0 valid, 1 refused.")
    static final class Validate implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--json", description = "one JSON document: {file, valid, refusals[{path, message}]}")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Refusal> refusals;
            try {
                refusals = ExperimentCheck.check(
                        ExperimentFile.read(file), System::getenv, FaultlineCli::refusalOfArguments);
            } catch (IOException e) {
                refusals = List.of(new Refusal("", "cannot read " + file + ": " + e.getMessage()));
            } catch (IllegalArgumentException e) {
                refusals = List.of(new Refusal("", e.getMessage()));
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("file", file.toString());
                doc.put("valid", refusals.isEmpty());
                doc.put(
                        "refusals",
                        refusals.stream()
                                .map(r -> {
                                    Map<String, Object> m = new LinkedHashMap<>();
                                    m.put("path", r.path());
                                    m.put("message", r.message());
                                    return m;
                                })
                                .toList());
                out.println(JsonWriter.write(doc));
            } else if (refusals.isEmpty()) {
                out.println(file + ": valid");
            } else {
                for (Refusal r : refusals) err.println(file + ": " + r);
                err.println(file + ": refused (" + refusals.size() + (refusals.size() == 1 ? " problem" : " problems")
                        + "); nothing was armed");
            }
            out.flush();
            err.flush();
            return refusals.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}
