package dev.faultline.cli.experiment;

import dev.faultline.cli.command.ExitCode;
import dev.faultline.cli.command.FaultlineCli;
import dev.faultline.common.json.JsonWriter;
import dev.faultline.common.words.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code faultline experiment run FILE}: validates, runs, writes the journal; SIGINT/SIGTERM → rollbacks and clean-up, then exit. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Run an experiment file (validated first: a refused file arms nothing) and write a Chaos Toolkit journal. "
                        + "Exit 0 completed, 1 failed, deviated, aborted or interrupted.")
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
            names = "--hypothesis-strategy",
            defaultValue = "default",
            description =
                    "default (before and after), before-method-only, after-method-only, during-method (chaoslib: during-method-only), continuously (before, during, after)")
    String hypothesisStrategy;

    @Option(
            names = "--hypothesis-frequency",
            defaultValue = "1s",
            description = "how often the hypothesis runs during the method (seconds, or 500ms, 2s …)")
    String frequency;

    @Option(names = "--fail-fast", description = "a deviation during the method stops it at once")
    boolean failFast;

    @Option(
            names = "--rollback-strategy",
            defaultValue = "default",
            description = "default (unless the method never started), always, never, deviated")
    String rollbackStrategy;

    @Option(
            names = "--journal-path",
            defaultValue = "journal.json",
            description = "where the journal goes (default ${DEFAULT-VALUE})")
    Path journalPath;

    @Option(
            names = "--report",
            paramLabel = "FILE.html",
            description =
                    "also write a self-contained HTML page: every probe's values over time with its tolerance band, the faults' windows, deviations and the abort")
    Path reportPath;

    @Option(
            names = "--activity-timeout",
            defaultValue = "30s",
            description = "bound on an activity without a timeout of its own (default ${DEFAULT-VALUE})")
    String activityTimeout;

    @Option(
            names = "--lease-margin",
            defaultValue = "30s",
            description = "what a fault's lease adds to the rest of the planned run (default ${DEFAULT-VALUE})")
    String leaseMargin;

    @Spec
    CommandSpec spec;

    /** Where {@code {"type": "env"}} values come from: this process's environment, or what an in-process caller gives. */
    Function<String, String> env = System::getenv;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Object doc;
        try {
            doc = ExperimentFile.read(file);
        } catch (IllegalArgumentException e) {
            err.println(file + ": " + e.getMessage() + "; nothing was armed");
            return ExitCode.FAILED;
        }
        List<Refusal> refusals = ExperimentCheck.check(doc, env, FaultlineCli::refusalOfArguments);
        if (!refusals.isEmpty()) {
            for (Refusal r : refusals) err.println(file + ": " + r);
            err.println(file + ": refused; nothing was armed");
            return ExitCode.FAILED;
        }
        RunSettings settings = new RunSettings(
                hypothesisStrategy,
                duration("--hypothesis-frequency", frequency, true),
                failFast,
                rollbackStrategy,
                duration("--activity-timeout", activityTimeout, false),
                duration("--lease-margin", leaseMargin, false));
        Map<?, ?> experiment = (Map<?, ?>) doc;
        Runner runner = new Runner(experiment, settings, env, out);
        out.println("experiment: " + experiment.get("title") + " (planned at most "
                + runner.plan().toSeconds() + " s; leases = the rest + "
                + settings.leaseMargin().toSeconds() + " s)");
        out.flush();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    runner.interrupt("signal (SIGINT or SIGTERM)");
                    try {
                        finished.await(2, TimeUnit.MINUTES); // rollbacks and clean-up, then the journal
                    } catch (InterruptedException ignored) {
                        // exit now
                    }
                },
                "faultline-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Map<String, Object> journal = runner.run();
            Files.writeString(journalPath, JsonWriter.write(journal) + "\n", StandardCharsets.UTF_8);
            if (reportPath != null) Files.writeString(reportPath, Report.html(journal), StandardCharsets.UTF_8);
            out.println();
            out.print(JournalTable.render(journal));
            out.println("status: " + journal.get("status") + ", deviated: " + journal.get("deviated") + ", duration "
                    + journal.get("duration") + " s; journal: " + journalPath
                    + (reportPath != null ? "; report: " + reportPath : ""));
            out.flush();
            return "completed".equals(journal.get("status")) ? ExitCode.OK : ExitCode.FAILED;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what is running: it returns now
            }
        }
    }

    private static Duration duration(String option, String text, boolean bareSeconds) {
        try {
            if (bareSeconds && text.matches("\\d+(\\.\\d+)?"))
                return Duration.ofMillis((long) (Double.parseDouble(text) * 1000));
            return Duration.ofNanos(Durations.parseNanos(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + text + ": " + e.getMessage());
        }
    }
}
