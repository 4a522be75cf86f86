package dev.faultline.sidecar.command;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.docker.HelperContainer;
import dev.faultline.sidecar.netem.NetnsExecutor;
import dev.faultline.sidecar.netem.NetworkChange;
import dev.faultline.sidecar.netem.Watchdogs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** At start: reverts the changes a crashed or SIGKILLed sidecar left in force, as its journal lists them. */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger("faultline.recovery");

    private Recovery() {
    }

    public static int revertOrphans(Journal journal, DockerClient docker) {
        int n = 0;
        for (Journal.Entry e : journal.pending()) {
            if (!e.orphaned()) continue; // a live sidecar owns it
            int watchdogs = stopWatchdogs(e.id(), docker); // before the revert: it must not fire on a later change
            long pid = 0;
            if (!e.containerId().equals("self")) {
                try {
                    InspectContainerResponse c = docker.inspectContainerCmd(e.containerId()).exec();
                    Long p = c.getState().getPidLong();
                    pid = Boolean.TRUE.equals(c.getState().getRunning()) && p != null ? p : -1;
                } catch (RuntimeException gone) {
                    pid = -1;
                }
            }
            if (pid >= 0) {
                NetworkChange.revertCommands(pid == 0 ? NetnsExecutor.nsenter(0) : HelperContainer.forContainer(docker, e.containerId(), pid), e.revert());
            } // a stopped container's namespace is gone already
            journal.reverted(e.id());
            log.info("action=recover change={} container={} reverted={} watchdogs_stopped={}", e.id(), e.containerId(), pid >= 0, watchdogs);
            n++;
        }
        journal.compact();
        return n;
    }

    /** The crashed sidecar's watchdog: a process where we see host PIDs, else a helper container. */
    private static int stopWatchdogs(String changeId, DockerClient docker) {
        int n = Watchdogs.stopAll(changeId);
        try {
            n += HelperContainer.removeWatchdogs(docker, changeId);
        } catch (RuntimeException e) {
            log.warn("action=recover change={} cannot list watchdog helpers: {}", changeId, e.getMessage());
        }
        return n;
    }
}
