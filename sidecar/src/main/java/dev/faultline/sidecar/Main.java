package dev.faultline.sidecar;

import dev.faultline.sidecar.cli.ForegroundRunner;
import dev.faultline.sidecar.cli.LogWords;
import dev.faultline.sidecar.cli.PlainContainerCommand;
import dev.faultline.sidecar.cli.SidecarCli;
import dev.faultline.sidecar.cli.StartupRecovery;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.jmx.Daemon;
import java.text.SimpleDateFormat;
import java.util.Arrays;
import java.util.Date;
import picocli.CommandLine;

/** {@code faultline-sidecar …}: see {@link SidecarCli}. */
public final class Main {
    private static final String DATE_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";

    private Main() {}

    private static void warmDateFormat() {
        new SimpleDateFormat(DATE_TIME_FORMAT).format(new Date());
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", DATE_TIME_FORMAT);
        // that format's first use loads the JDK's locale and calendar data (~0.05 s of a kill's start): begun on
        // another
        // core while the words are parsed and the engine is reached; slf4j's own setup is left to the first log line
        Thread warm = new Thread(Main::warmDateFormat, "faultline-warm-date-format");
        warm.setDaemon(true);
        warm.start();
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        // the one provider named: slf4j's ServiceLoader scan of this 20,000-entry jar costs a start-up ~0.05 s
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
            if (System.getProperty("slf4j.internal.verbosity") == null)
                System.setProperty("slf4j.internal.verbosity", "WARN"); // its "provider named" note
        }
        LogWords.apply(args, System.getenv()); // before the first logger: slf4j-simple reads its level once
        Journal journal = new Journal(Journal.defaultPath());
        ForegroundRunner runner = new ForegroundRunner(journal);
        // a plain container verb skips picocli, whose model is most of a kill's start-up; anything else is parsed by it
        int plain = PlainContainerCommand.runIfPlain(runner, journal, args);
        System.exit(plain >= 0 ? plain : picocli(runner, journal, args));
    }

    private static int picocli(ForegroundRunner runner, Journal journal, String[] words) {
        String[] args = SidecarCli.helpAsFlag(words);
        boolean help = args.length == 0
                || Arrays.stream(args)
                        .anyMatch(a -> a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V"));
        var cl = SidecarCli.commandLine(
                runner,
                (jmx, metricsPort, metricsHost, j, runtime) ->
                        Daemon.run(new Daemon.Options(jmx, metricsPort, metricsHost), j, runtime),
                args);
        // after the parse, so that recovery reaches the containers through the runtime the flags name
        if (!help)
            cl.setExecutionStrategy(parsed -> {
                SidecarCli.planFirst(parsed);
                StartupRecovery.atStart(journal, parsed);
                return new CommandLine.RunLast().execute(parsed);
            });
        if (!help) StartupRecovery.warnIfPodModeAsPid1();
        return cl.execute(args);
    }
}
