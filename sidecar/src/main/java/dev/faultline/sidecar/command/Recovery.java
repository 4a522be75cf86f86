package dev.faultline.sidecar.command;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.docker.HelperContainer;
import dev.faultline.sidecar.netem.NetnsExecutor;
import dev.faultline.sidecar.netem.NetworkChange;
import dev.faultline.sidecar.netem.Watchdogs;
import dev.faultline.sidecar.target.PodTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** At start: reverts the changes a crashed or SIGKILLed sidecar left in force, as its journal lists them. */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger("faultline.recovery");

    private Recovery() {
    }

    /** @param docker null in pod mode (no engine): changes in containers then wait for a sidecar that has one */
    public static int revertOrphans(Journal journal, DockerClient docker) {
        int n = 0;
        for (Journal.Entry e : journal.pending()) {
            if (!e.orphaned()) continue; // a live sidecar owns it
            long pid = pidOf(e.containerId(), docker);
            if (pid == NEEDS_ENGINE) continue; // kept in the journal
            int watchdogs = stopWatchdogs(e.id(), docker); // before the revert: it must not fire on a later change
            if (pid >= 0) {
                boolean container = PodTargets.pidOf(e.containerId()) < 0;
                NetworkChange.revertCommands(container ? HelperContainer.forContainer(docker, e.containerId(), pid) : NetnsExecutor.nsenter(pid), e.revert());
            } // a stopped container's (or an ended process's) namespace is gone already
            journal.reverted(e.id());
            log.info("action=recover change={} container={} reverted={} watchdogs_stopped={}", e.id(), e.containerId(), pid >= 0, watchdogs);
            n++;
        }
        journal.compact();
        return n;
    }

    private static final long NEEDS_ENGINE = -2;

    /** 0 = our own namespace (pod mode's self), a pid to nsenter, -1 = gone, or NEEDS_ENGINE. */
    private static long pidOf(String containerId, DockerClient docker) {
        long pod = PodTargets.pidOf(containerId);
        if (pod == 0) return 0;
        if (pod > 0) return ProcessHandle.of(pod).map(ProcessHandle::isAlive).orElse(false) ? pod : -1; // a pod-mode process target
        if (docker == null) return NEEDS_ENGINE;
        try {
            InspectContainerResponse c = docker.inspectContainerCmd(containerId).exec();
            Long p = c.getState().getPidLong();
            return Boolean.TRUE.equals(c.getState().getRunning()) && p != null ? p : -1;
        } catch (RuntimeException gone) {
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
