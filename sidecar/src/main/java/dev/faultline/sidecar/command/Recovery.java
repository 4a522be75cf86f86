package dev.faultline.sidecar.command;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.faultline.sidecar.change.Change;
import dev.faultline.sidecar.change.NetworkChange;
import dev.faultline.sidecar.change.PauseChange;
import dev.faultline.sidecar.docker.HelperContainer;
import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.netem.NetnsExecutor;
import dev.faultline.sidecar.netem.Watchdogs;
import dev.faultline.sidecar.target.PodTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start: undoes the changes a crashed or SIGKILLed sidecar left in force, as its journal lists them. Each is
 * adopted and reverted like a change of our own: done only once the target is verified clean, else kept (and
 * retried in the background, and at the next start).
 */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger("faultline.recovery");

    private Recovery() {
    }

    /** @param docker null in pod mode (no engine): changes in containers then wait for a sidecar that has one */
    public static int revertOrphans(Journal journal, DockerClient docker) {
        int n = 0;
        for (Journal.Entry e : journal.pending()) {
            if (!e.orphaned()) continue; // a live sidecar owns it
            Change change;
            try {
                change = adopt(e, journal, docker);
            } catch (RuntimeException engineDown) {
                log.warn("action=recover change={} container={} kept for the next start: {}", e.id(), e.containerId(), engineDown.getMessage());
                continue;
            }
            if (change == null) continue; // kept in the journal for a sidecar with the engine
            int watchdogs = stopWatchdogs(e.id(), docker); // before the revert: it must not fire on a later change
            boolean verified = change.revert();
            log.info("action=recover change={} container={} kind={} verified={} watchdogs_stopped={}", e.id(), e.containerId(),
                    e.kind().name().toLowerCase(java.util.Locale.ROOT), verified, watchdogs);
            n++;
        }
        journal.compact();
        return n;
    }

    /** The change to revert, reaching its target the way it was reached; null when that needs the engine and there is none. */
    private static Change adopt(Journal.Entry e, Journal journal, DockerClient docker) {
        if (e.kind() == Journal.Kind.PAUSE) return docker == null ? null : PauseChange.adopt(e, docker, journal);
        long pod = PodTargets.pidOf(e.containerId());
        if (pod >= 0) return NetworkChange.adopt(e, NetnsExecutor.nsenter(pod), journal); // self, or a pod-mode process (gone = clean)
        if (docker == null) return null;
        long pid = runningPid(e.containerId(), docker);
        // a stopped or removed container's namespace is gone, and the change with it
        return NetworkChange.adopt(e, pid > 0 ? HelperContainer.forContainer(docker, e.containerId(), pid) : NetnsExecutor.gone(), journal);
    }

    private static long runningPid(String containerId, DockerClient docker) {
        try {
            InspectContainerResponse c = docker.inspectContainerCmd(containerId).exec();
            Long p = c.getState().getPidLong();
            return Boolean.TRUE.equals(c.getState().getRunning()) && p != null ? p : -1;
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            return -1;
        }
    }

    /** The crashed sidecar's watchdog: a process where we see host PIDs, else a helper container. */
    private static int stopWatchdogs(String changeId, DockerClient docker) {
        int n = Watchdogs.stopAll(changeId);
        if (docker == null) return n;
        try {
            n += HelperContainer.removeWatchdogs(docker, changeId);
        } catch (RuntimeException e) {
            log.warn("action=recover change={} cannot list watchdog helpers: {}", changeId, e.getMessage());
        }
        return n;
    }
}
