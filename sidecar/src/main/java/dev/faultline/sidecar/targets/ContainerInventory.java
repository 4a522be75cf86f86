package dev.faultline.sidecar.targets;

import java.util.List;

/**
 * What a selection needs of a container runtime: its kind, its containers, and the containers of exact names when it
 * keeps a picture of them. {@code runtime.ContainerRuntime} is one; this package names only this part of it.
 */
public interface ContainerInventory {
    /** {@code docker}, {@code cri}, {@code containerd} or {@code podman}. */
    String kind();

    /** Every container that may be acted on, in any state: never our own, nor a helper or a pod sandbox. */
    List<ContainerTarget> containers();

    /**
     * The containers these exact names are, answered from a picture kept current (never ourselves, never a helper);
     * null when there is none, or it does not hold every name as asked: then the caller lists.
     */
    default List<ContainerTarget> named(List<String> names, boolean runningOnly) {
        return null;
    }
}
