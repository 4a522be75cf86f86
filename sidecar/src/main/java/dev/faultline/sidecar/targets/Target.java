package dev.faultline.sidecar.targets;

import java.util.Map;

/**
 * What a verb acts on: a container of the runtime, or in pod mode a process we share a PID namespace with, or our
 * own network namespace. {@link #toString()} is how the logs name it, {@code name(shortId)}.
 */
public sealed interface Target permits ContainerTarget, ProcessTarget, OwnNamespace {
    /** How the journal names it: a container id, {@code pid:N} or {@code self}. */
    String id();

    /** The id as change ids and logs carry it. */
    String shortId();

    /** The target a journal entry names, read back from {@link #id()}; a container is known only by its id then. */
    static Target journalled(String id) {
        if (id.equals(OwnNamespace.ID)) return OwnNamespace.INSTANCE;
        if (id.startsWith(ProcessTarget.PREFIX))
            return new ProcessTarget(Long.parseLong(id.substring(ProcessTarget.PREFIX.length())), id);
        return new ContainerTarget(id, id, "unknown", Map.of());
    }
}
