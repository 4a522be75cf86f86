package dev.faultline.sidecar.cli;

import dev.faultline.sidecar.experiment.Recovery;
import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.detect.Runtimes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Every command's start: {@link Recovery} of what a crashed sidecar left, through the runtime the parsed flags name. */
public final class StartupRecovery {
    /** Made at the first line logged, not at start: slf4j's setup then overlaps the date format's (Main). */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger("faultline.recovery");
    }

    private StartupRecovery() {}

    /**
     * The start of every command: in pod mode too (a SIGKILLed pod-mode sidecar's changes are in our namespace or a
     * process's). A runtime that cannot be opened leaves container changes for later; the command then says why.
     */
    public static void atStart(Journal journal, CommandLine.ParseResult parsed) {
        atStart(journal, (SidecarCli) parsed.commandSpec().userObject());
    }

    /** The command line's note before a command runs, on either parse path. */
    public static void warnIfPodModeAsPid1() {
        if (!Runtimes.anyOnThisNode() && ProcessHandle.current().pid() == 1) {
            // PID 1 of a PID namespace of our own: the watchdog is our child and dies with this container
            System.err.println(
                    "warning: pod mode without a shared PID namespace: a change's watchdog dies with this container, so after a "
                            + "SIGKILL the change stays until this sidecar starts again and reverts it from its journal (keep the journal on a volume)");
        }
    }

    static void atStart(Journal journal, SidecarCli cli) {
        ContainerRuntime runtime = null;
        try {
            if (!cli.podMode()) runtime = cli.runtime();
        } catch (RuntimeException e) {
            Log.log.warn("action=recover runtime unavailable, changes in containers kept: {}", e.getMessage());
        }
        try {
            Recovery.revertOrphans(journal, runtime);
        } catch (RuntimeException e) {
            System.err.println("warning: journal recovery failed: " + e.getMessage());
        }
        KillPoints.holdAfterRecovery();
    }
}
