package dev.faultline.sidecar.targets;

import java.util.Map;

/** A container the sidecar may act on, as the engine describes it. */
public record ContainerTarget(String id, String name, String state, Map<String, String> labels) implements Target {
    @Override
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    public boolean running() {
        return "running".equals(state);
    }

    @Override
    public String toString() {
        return name + "(" + shortId() + ")";
    }
}
