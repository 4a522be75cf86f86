package dev.faultline.sidecar.runtime.docker;

import dev.faultline.sidecar.targets.ContainerTarget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code docker ps -a}, {@code docker inspect} (the PID) and {@code docker kill} through {@link EngineApi}. */
public final class EngineContainers {
    private EngineContainers() {
    }

    public static List<ContainerTarget> list(EngineApi api) {
        EngineApi.Answer a = api.get("/containers/json?all=1");
        if (!a.ok()) throw a.failure();
        return parseList(a.body());
    }

    /** The answer of {@code GET /containers/json}: id, first name without its slash, state and labels. */
    static List<ContainerTarget> parseList(String json) {
        List<ContainerTarget> out = new ArrayList<>();
        for (Object o : (List<?>) JsonValue.parse(json)) {
            Map<?, ?> c = (Map<?, ?>) o;
            String id = (String) c.get("Id");
            List<?> names = c.get("Names") instanceof List<?> n ? n : List.of();
            String name = names.isEmpty() ? id : ((String) names.get(0)).substring(1);
            out.add(new ContainerTarget(id, name, (String) c.get("State"), labels(c.get("Labels"))));
        }
        return out;
    }

    static Map<String, String> labels(Object o) {
        if (!(o instanceof Map<?, ?> m) || m.isEmpty()) return Map.of();
        Map<String, String> l = new LinkedHashMap<>();
        m.forEach((k, v) -> l.put((String) k, v == null ? null : String.valueOf(v)));
        return l;
    }

    /** Gone or not running (404, 409) is not an error, as {@link Engine#tolerateGone} has it. */
    public static void kill(EngineApi api, String id, String signal) {
        EngineApi.Answer a = api.post("/containers/" + EngineApi.query(id) + "/kill?signal=" + EngineApi.query(signal));
        if (!a.ok() && !a.gone()) throw a.failure();
    }

    /** {@code docker inspect} as a target: id, name, state and labels; null when gone. */
    public static ContainerTarget inspect(EngineApi api, String id) {
        EngineApi.Answer a = api.get("/containers/" + EngineApi.query(id) + "/json");
        if (a.status() == 404) return null;
        if (!a.ok()) throw a.failure();
        return parseInspect(a.body());
    }

    static ContainerTarget parseInspect(String json) {
        Map<?, ?> c = (Map<?, ?>) JsonValue.parse(json);
        String name = c.get("Name") instanceof String n && n.startsWith("/") ? n.substring(1) : (String) c.get("Id");
        Map<?, ?> state = c.get("State") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> config = c.get("Config") instanceof Map<?, ?> m ? m : Map.of();
        return new ContainerTarget((String) c.get("Id"), name, (String) state.get("Status"), labels(config.get("Labels")));
    }

    /** Actions after which a container's name, state or labels may differ (not exec_*, attach, top …). */
    private static final java.util.Set<String> CHANGES = java.util.Set.of("create", "start", "restart", "die", "stop", "pause",
            "unpause", "rename", "destroy", "update", "oom");

    /** A container event of {@code GET /events}: which container, what happened to it, and its name (after a rename, the new one). */
    public record Event(String id, String action, String name) {
    }

    /** The event, when it may have changed a container's name, state or labels; else null. */
    public static Event event(String json) {
        Object o = JsonValue.parse(json);
        if (!(o instanceof Map<?, ?> e) || !"container".equals(e.get("Type")) || !CHANGES.contains(String.valueOf(e.get("Action")))) return null;
        if (!(e.get("Actor") instanceof Map<?, ?> actor) || !(actor.get("ID") instanceof String id)) return null;
        String name = actor.get("Attributes") instanceof Map<?, ?> a && a.get("name") instanceof String n ? n : null;
        return new Event(id, (String) e.get("Action"), name);
    }

    /** The host PID of a running container; -1 when stopped or gone. */
    public static long runningPid(EngineApi api, String id) {
        EngineApi.Answer a = api.get("/containers/" + EngineApi.query(id) + "/json");
        if (a.status() == 404) return -1;
        if (!a.ok()) throw a.failure();
        Map<?, ?> state = (Map<?, ?>) ((Map<?, ?>) JsonValue.parse(a.body())).get("State");
        if (state == null || !Boolean.TRUE.equals(state.get("Running")) || !(state.get("Pid") instanceof Long p)) return -1;
        return p > 0 ? p : -1;
    }
}
