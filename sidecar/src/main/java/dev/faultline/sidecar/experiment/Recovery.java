package dev.faultline.sidecar.experiment;

import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.change.NetworkChange;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.jvmcontrol.JvmChange;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.network.Watchdogs;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.NamespaceAccess;
import dev.faultline.sidecar.runtime.cri.FreezeChange;
import dev.faultline.sidecar.stress.StressChange;
import dev.faultline.sidecar.targets.Target;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start: undoes the changes a crashed or SIGKILLed sidecar left in force, as its journal lists them. Each is
 * adopted and reverted like a change of our own: done only once the target is verified clean, else kept (and
 * retried in the background, and at the next start). Run before every command (cli/StartupRecovery).
 */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger("faultline.recovery");

    private Recovery() {}

    /** @param runtime null in pod mode (no runtime): changes in containers then wait for a sidecar that has one */
    public static int revertOrphans(Journal journal, ContainerRuntime runtime) {
        int n = 0;
        for (Journal.Entry e : journal.pending()) {
            if (!e.orphaned()) continue; // a live sidecar owns it
            Change change;
            try {
                change = adopt(e, journal, runtime);
            } catch (RuntimeException engineDown) {
                log.warn(
                        "action=recover change={} container={} kept for the next start: {}",
                        e.id(),
                        e.containerId(),
                        engineDown.getMessage());
                continue;
            }
            if (change == null) continue; // kept in the journal for a sidecar with the engine
            int watchdogs = stopWatchdogs(e.id(), runtime); // before the revert: it must not fire on a later change
            boolean verified = change.revert();
            log.info(
                    "action=recover change={} container={} kind={} verified={} watchdogs_stopped={}",
                    e.id(),
                    e.containerId(),
                    e.kind().name().toLowerCase(Locale.ROOT),
                    verified,
                    watchdogs);
            n++;
        }
        journal.compact();
        return n;
    }

    /** The change to revert, reaching its target the way it was reached; null when that needs a runtime and there is none. */
    private static Change adopt(Journal.Entry e, Journal journal, ContainerRuntime runtime) {
        return switch (e.kind()) {
            case FREEZE -> FreezeChange.adopt(e, journal); // shell on the host's freezer file
            case JVM -> JvmChange.adopt(e, journal); // a repeated attach with cmd=clear: no runtime needed
            case STRESS -> StressChange.adopt(e, journal); // shell on the host: its processes by their mark
            case STOPPED -> runtime == null ? null : runtime.adoptStopped(e, journal);
            case PAUSE -> runtime == null ? null : runtime.adoptPause(e, journal);
            case NETWORK -> {
                NetnsExecutor ns = NamespaceAccess.readopt(Target.journalled(e.containerId()), e.id(), runtime);
                yield ns == null ? null : NetworkChange.adopt(e, ns, journal);
            }
        };
    }

    /** The crashed sidecar's watchdog: a process where we see host PIDs, else a helper container. */
    private static int stopWatchdogs(String changeId, ContainerRuntime runtime) {
        int n = Watchdogs.stopAll(changeId);
        if (runtime == null) return n;
        try {
            n += runtime.stopHiddenWatchdogs(changeId);
        } catch (RuntimeException e) {
            log.warn("action=recover change={} cannot list watchdog helpers: {}", changeId, e.getMessage());
        }
        return n;
    }
}
