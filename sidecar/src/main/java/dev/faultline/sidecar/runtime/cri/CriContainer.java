package dev.faultline.sidecar.runtime.cri;

import java.util.Map;

/**
 * An application container as CRI lists it (never a pod sandbox), named the way an operator names it on Kubernetes:
 * {@code namespace/pod/container}, from the {@code io.kubernetes.*} labels kubelet sets.
 */
public record CriContainer(
        String id,
        String podSandboxId,
        String namespace,
        String pod,
        String name,
        Map<String, String> podLabels,
        State state,
        String image) {
    public enum State {
        CREATED,
        RUNNING,
        EXITED,
        UNKNOWN
    }

    public CriContainer {
        podLabels = Map.copyOf(podLabels);
    }

    /** {@code namespace/pod/container}: what names and {@code re2:} patterns match. */
    public String target() {
        return namespace + "/" + pod + "/" + name;
    }
}
