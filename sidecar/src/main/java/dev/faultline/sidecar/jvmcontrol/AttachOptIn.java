package dev.faultline.sidecar.jvmcontrol;

import dev.faultline.sidecar.targets.ContainerTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who may be attached to on Kubernetes: loading an agent runs our code in someone else's process, so a pod opts in
 * with the label {@code faultline.dev/jvm-attach=true}, or the command names its namespace with {@code --namespace}.
 * kube-system only when named, never the sidecar's own pod: the selection already leaves those out. A container
 * outside Kubernetes (a Docker host's) has no pod to opt in: the operator of the node is the one asking.
 */
public final class AttachOptIn {
    public static final String LABEL = "faultline.dev/jvm-attach";
    static final String NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
    static final String POD_LABEL = "io.kubernetes.pod.name";

    private AttachOptIn() {}

    /** Refuses the whole command, before anything is attached, when a selected pod has not opted in. */
    public static void check(List<ContainerTarget> targets, List<String> namedNamespaces) {
        List<String> refused = new ArrayList<>();
        for (ContainerTarget t : targets) {
            String why = refusal(t.labels(), namedNamespaces);
            if (why != null) refused.add(t + ": " + why);
        }
        if (!refused.isEmpty())
            throw new IllegalArgumentException("jvm: refused, nothing attached: " + String.join("; ", refused));
    }

    /** Why this container may not be attached to, or null. */
    static String refusal(Map<String, String> labels, List<String> namedNamespaces) {
        String namespace = labels.get(NAMESPACE_LABEL);
        if (namespace == null) return null;
        if ("true".equals(labels.get(LABEL))) return null;
        if (namedNamespaces != null && namedNamespaces.contains(namespace)) return null;
        return "pod " + namespace + "/" + labels.getOrDefault(POD_LABEL, "?")
                + " has not opted in to JVM attach (label " + LABEL
                + "=true on the pod, or name its namespace: --namespace " + namespace + ")";
    }
}
