package dev.faultline.sidecar.runtime;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.targets.ContainerInventory;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.time.Duration;
import java.util.List;

/**
 * What the verbs need of a container runtime, the Docker Engine API or CRI. A method a runtime cannot express throws
 * {@link Unsupported} with the words for the operator; {@link #refuseUnsupported} says so before anything is selected.
 */
public interface ContainerRuntime extends ContainerInventory {
    /** A verb or option this runtime cannot express; the message says what to use instead. */
    final class Unsupported extends IllegalArgumentException {
        public Unsupported(String message) {
            super(message);
        }
    }

    /** {@code unix:///…}, as given or detected. */
    String endpoint();

    /** Throws {@link Unsupported} for a verb (and, for kill, a signal) this runtime cannot express; called before selection. */
    default void refuseUnsupported(Verb verb, String signal) {}

    /** The container's main process in the host PID namespace, or -1 when it is not running (or gone). */
    long hostPid(ContainerTarget t);

    /** How to run commands in the container's network namespace for the change {@code changeId}, its main process being {@code hostPid}. */
    NetnsExecutor netns(ContainerTarget t, long hostPid, String changeId);

    /** The runtime's own kill with this signal name (SIGKILL …). */
    void kill(ContainerTarget t, String signal);

    /**
     * Runs {@code argv} in the running container (its namespaces, as {@code docker exec}); returns its exit code. One
     * still running after {@code deadline} is killed and reported as an error: no exec outlives its call.
     */
    int exec(ContainerTarget t, List<String> argv, Duration deadline);

    void stop(ContainerTarget t, Duration timeout);

    void restart(ContainerTarget t, Duration timeout);

    void remove(ContainerTarget t, boolean force, boolean volumes);

    /** A pause of the container for {@code id}, not yet applied: journalled and watchdog-guarded like any change. */
    Change pause(String id, ContainerTarget t, Journal journal);

    /** A crashed sidecar's pause, to revert; null when this runtime cannot undo that kind (kept for one that can). */
    Change adoptPause(Journal.Entry e, Journal journal);

    /**
     * {@code stop --restart}: a stop, not yet made, that the revert undoes by starting the container again; journalled
     * like any change. Only the Engine API (Docker, Podman) can start a stopped container again.
     */
    default Change stopForRestart(String id, ContainerTarget t, Duration timeout, Journal journal) {
        throw new Unsupported("stop --restart: " + kind() + " cannot start a stopped container again (its owner, "
                + "kubelet or the engine, restarts it by its policy); use stop, or crash");
    }

    /** A crashed sidecar's {@code stop --restart}, to start again; null when this runtime cannot. */
    default Change adoptStopped(Journal.Entry e, Journal journal) {
        return null;
    }

    /** For recovery: the namespace of a journalled container's network change ({@link NetnsExecutor#gone()} if it stopped). */
    NetnsExecutor netnsOf(String containerId, String changeId);

    /**
     * The daemon keeps a picture of the containers, when the runtime can (Docker: its event stream), so that naming
     * a container costs no list. Called once, by the daemon only: a command line lists, as it always did.
     */
    default void keepCurrent() {}

    /** Stops watchdogs of a crashed sidecar's change that run outside our sight (in Docker's helper containers); how many. */
    default int stopHiddenWatchdogs(String changeId) {
        return 0;
    }

    /** For the log and the daemon's {@code Runtime} attribute: kind, endpoint and what answers there. */
    String describe();
}
