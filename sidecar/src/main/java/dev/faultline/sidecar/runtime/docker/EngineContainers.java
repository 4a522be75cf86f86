package dev.faultline.sidecar.runtime.docker;

import dev.faultline.common.json.JsonReader;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Engine API's JSON as the sidecar reads it: {@code docker ps -a}, {@code docker inspect} and the event stream. */
public final class EngineContainers {
    private EngineContainers() {}

    /** The answer of {@code GET /containers/json}: id, first name without its slash, state and labels. */
    static List<ContainerTarget> parseList(String json) {
        List<ContainerTarget> out = new ArrayList<>();
        for (Object o : (List<?>) JsonReader.parse(json, "the engine's answer")) {
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

    static ContainerTarget parseInspect(String json) {
        Map<?, ?> c = (Map<?, ?>) JsonReader.parse(json, "the engine's answer");
        String name = c.get("Name") instanceof String n && n.startsWith("/") ? n.substring(1) : (String) c.get("Id");
        Map<?, ?> state = c.get("State") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> config = c.get("Config") instanceof Map<?, ?> m ? m : Map.of();
        return new ContainerTarget(
                (String) c.get("Id"), name, (String) state.get("Status"), labels(config.get("Labels")));
    }

    /** Actions after which a container's name, state or labels may differ (not exec_*, attach, top …). */
    private static final Set<String> CHANGES = Set.of(
            "create", "start", "restart", "die", "stop", "pause", "unpause", "rename", "destroy", "update", "oom");

    /** A container event of {@code GET /events}: which container, what happened to it, and its name (after a rename, the new one). */
    public record Event(String id, String action, String name) {}

    /** The event, when it may have changed a container's name, state or labels; else null. */
    public static Event event(String json) {
        Object o = JsonReader.parse(json, "the engine's answer");
        if (!(o instanceof Map<?, ?> e)
                || !(e.get("Actor") instanceof Map<?, ?> actor)
                || !(actor.get("ID") instanceof String id)) return null;
        String name = actor.get("Attributes") instanceof Map<?, ?> a && a.get("name") instanceof String n ? n : null;
        return event(String.valueOf(e.get("Type")), String.valueOf(e.get("Action")), id, name);
    }

    /** The same, from an event's parts (docker-java's). */
    static Event event(String type, String action, String id, String name) {
        if (!"container".equals(type) || !CHANGES.contains(action) || id == null) return null;
        return new Event(id, action, name);
    }
}
