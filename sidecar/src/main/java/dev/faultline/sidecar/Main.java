package dev.faultline.sidecar;

import dev.faultline.sidecar.cli.ForegroundRunner;
import dev.faultline.sidecar.cli.SidecarCli;
import dev.faultline.sidecar.cli.StartupRecovery;
import dev.faultline.sidecar.experiment.journal.Journal;

/** {@code faultline-sidecar …}: see {@link SidecarCli}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        // the one provider named: slf4j's ServiceLoader scan of this 20,000-entry jar costs a start-up ~0.05 s
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
            if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "WARN"); // its "provider named" note
        }
        Journal journal = new Journal(Journal.defaultPath());
        ForegroundRunner runner = new ForegroundRunner(journal);
        boolean help = args.length == 0 || java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V"));
        var cl = SidecarCli.commandLine(runner, args);
        // after the parse, so that recovery reaches the containers through the runtime the flags name
        if (!help) cl.setExecutionStrategy(parsed -> {
            StartupRecovery.atStart(journal, parsed);
            return new picocli.CommandLine.RunLast().execute(parsed);
        });
        if (!help && !dev.faultline.sidecar.runtime.Runtimes.anyOnThisNode() && ProcessHandle.current().pid() == 1) {
            // PID 1 of a PID namespace of our own: the watchdog is our child and dies with this container
            System.err.println("warning: pod mode without a shared PID namespace: a change's watchdog dies with this container, so after a "
                    + "SIGKILL the change stays until this sidecar starts again and reverts it from its journal (keep the journal on a volume)");
        }
        System.exit(cl.execute(args));
    }
}
