package dev.faultline.sidecar.runtime.docker;

import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.time.Duration;
import java.util.List;

/**
 * A container paused through the engine. Its watchdog is a shell that, at the deadline, runs this jar's
 * {@link Unpause} on the same engine endpoint (a JVM for a second, only if the sidecar died); the check is the
 * engine's own view, not paused (or not running, or removed).
 */
public final class PauseChange extends Change {
    /** the engine, whose endpoint the watchdog's {@link Unpause} is given */
    private final EngineCalls engine;

    public PauseChange(String id, ContainerTarget target, EngineCalls engine, Journal journal) {
        this(id, target.id(), target.toString(), engine, journal);
    }

    private PauseChange(String id, String containerId, String label, EngineCalls engine, Journal journal) {
        super(id, containerId, label, Journal.Kind.PAUSE, List.of(), List.of(), journal);
        this.engine = engine;
    }

    /** A pause read back from a crashed sidecar's journal, to be undone (now, by this sidecar: no watchdog). */
    public static Change adopt(Journal.Entry e, EngineCalls engine, Journal journal) {
        return new PauseChange(e.id(), e.containerId(), e.containerId(), engine, journal).adopted();
    }

    @Override
    protected void make() {
        engine.pause(targetId());
        KillPoints.reached(KillPoints.FIRST_COMMAND);
    }

    @Override
    protected void undo() {
        engine.unpause(targetId());
    }

    @Override
    protected String leftover() {
        return engine.paused(targetId()) ? "the engine still reports " + targetId() + " paused" : null;
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return NetnsExecutor.nsenter(0).watchdog(id(), after, List.of(Unpause.argv(targetId(), engine.endpoint())));
    }

    @Override
    protected String how() {
        return "engine";
    }
}
