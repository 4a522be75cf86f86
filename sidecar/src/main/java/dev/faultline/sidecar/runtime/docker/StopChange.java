package dev.faultline.sidecar.runtime.docker;

import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.time.Duration;
import java.util.List;

/**
 * Pumba's {@code stop --restart --duration D}: the container stopped through the engine, and started again once the
 * duration is over (also on a stop of the experiment). Journalled: a sidecar that dies meanwhile leaves the start to
 * the next one's recovery. No watchdog: starting needs the engine, which only a sidecar speaks.
 */
public final class StopChange extends Change {
    private final EngineCalls engine;
    private final Duration timeout;

    public StopChange(String id, ContainerTarget target, Duration timeout, EngineCalls engine, Journal journal) {
        this(id, target.id(), target.toString(), timeout, engine, journal);
    }

    private StopChange(
            String id, String containerId, String label, Duration timeout, EngineCalls engine, Journal journal) {
        super(id, containerId, label, Journal.Kind.STOPPED, List.of(), List.of(), journal);
        this.engine = engine;
        this.timeout = timeout;
    }

    /** A stop a crashed sidecar left, read back from its journal: the container is started. */
    public static Change adopt(Journal.Entry e, EngineCalls engine, Journal journal) {
        return new StopChange(e.id(), e.containerId(), e.containerId(), Duration.ZERO, engine, journal).adopted();
    }

    @Override
    protected void make() {
        engine.stop(targetId(), timeout);
        KillPoints.reached(KillPoints.FIRST_COMMAND);
    }

    @Override
    protected void undo() {
        engine.start(targetId());
    }

    /** Running again, or removed meanwhile (nothing then to start). */
    @Override
    protected String leftover() {
        if (engine.inspect(targetId()) == null) return null;
        return engine.runningPid(targetId()) > 0 ? null : "the engine reports " + targetId() + " not running";
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return () -> {};
    }

    @Override
    protected String how() {
        return "engine";
    }
}
