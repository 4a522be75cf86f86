package dev.faultline.sidecar.command;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.docker.HelperContainer;
import dev.faultline.sidecar.netem.NetnsExecutor;
import dev.faultline.sidecar.netem.NetworkChange;
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
            log.info("action=recover change={} container={} reverted={}", e.id(), e.containerId(), pid >= 0);
            n++;
        }
        journal.compact();
        return n;
    }
}
