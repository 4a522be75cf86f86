package dev.faultline.sidecar.runtime.docker;

import dev.faultline.sidecar.targets.ContainerTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's picture of the engine's containers, kept current by its event stream ({@code GET /events}): filled by
 * one list each time the stream (re)opens, then each container event re-reads that one container. It only ever
 * answers "these names are these containers"; whatever it does not hold as asked for is the caller's cue to list.
 */
final class ContainerCache {
    private static final Logger log = LoggerFactory.getLogger("faultline.runtime");
    /** Between attempts to reopen a closed stream: an engine restart takes seconds. */
    private static final long RETRY_MS = 1000;

    private final EngineCalls engine;
    private final Map<String, ContainerTarget> byId = new ConcurrentHashMap<>();
    private volatile boolean current;

    ContainerCache(EngineCalls engine) {
        this.engine = engine;
    }

    void start() {
        Thread t = new Thread(this::follow, "faultline-engine-events");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The containers these exact names are, when every one is held and (with {@code runningOnly}) running; else
     * null: a container created or started a moment ago whose event has not come yet is found by the caller's list.
     */
    List<ContainerTarget> named(List<String> names, boolean runningOnly) {
        if (!current || names.isEmpty()) return null;
        List<ContainerTarget> out = new ArrayList<>();
        for (String n : names) {
            ContainerTarget hit = null;
            for (ContainerTarget c : byId.values()) if (c.name().equals(n)) hit = c;
            if (hit == null || (runningOnly && !hit.running())) return null;
            out.add(hit);
        }
        return out;
    }

    private void follow() {
        while (true) {
            try {
                engine.follow(this::relist, this::onEvent);
                log.info("action=runtime events=closed, listing again when the engine is back");
            } catch (Exception e) {
                log.debug("action=runtime events=unavailable: {}", e.getMessage());
            }
            current = false;
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The stream is open: from now on every change comes as an event, so one list makes the picture whole. */
    private void relist() {
        Map<String, ContainerTarget> all = new HashMap<>();
        for (ContainerTarget c : engine.list()) all.put(c.id(), c);
        byId.keySet().retainAll(all.keySet());
        byId.putAll(all);
        current = true;
    }

    /**
     * State changes and renames are applied from the event itself (no call: the stream must never lag behind a
     * backlog of inspects); a new container, or one not held, is read once.
     */
    private void onEvent(EngineContainers.Event e) {
        ContainerTarget held = byId.get(e.id());
        String state = switch (e.action()) {
            case "start", "restart", "unpause" -> "running";
            case "die", "stop" -> "exited";
            case "pause" -> "paused";
            default -> null;
        };
        if (e.action().equals("destroy")) {
            byId.remove(e.id());
        } else if (held != null && state != null) {
            byId.put(e.id(), new ContainerTarget(held.id(), held.name(), state, held.labels()));
        } else if (held != null && e.action().equals("rename") && e.name() != null) {
            byId.put(e.id(), new ContainerTarget(held.id(), e.name(), held.state(), held.labels()));
        } else {
            try { // create, rename, update, or a container we do not hold yet
                ContainerTarget now = engine.inspect(e.id());
                if (now == null) byId.remove(e.id());
                else byId.put(e.id(), now);
            } catch (RuntimeException failed) {
                byId.remove(e.id()); // unknown: nothing is better than a stale picture (the caller lists)
                log.debug("action=runtime events container={} not read: {}", e.id(), failed.getMessage());
            }
        }
    }
}
