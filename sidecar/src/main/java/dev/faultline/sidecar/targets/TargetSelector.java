package dev.faultline.sidecar.targets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which containers a command names: exact names, container IDs (the full ID, or a prefix of at least 12 hex digits,
 * as {@code docker ps} prints it), {@code re2:<regex>} (Java regex, found anywhere in the name, as Pumba's re2 is), and {@code --label key=value} (all must match). On CRI a name is
 * {@code namespace/pod/container}, the labels are the pod's, and {@code --namespace} narrows; {@code kube-system}
 * only when named. Never the sidecar's own container (or pod): the runtime leaves it out.
 */
public final class TargetSelector {
    private final List<String> names = new ArrayList<>();
    private final List<Pattern> patterns = new ArrayList<>();
    private final Map<String, String> labels;
    private final List<String> namespaces;

    /** Pumba's words for a verb without targets, then what else the sidecar takes. */
    public static final String NO_TARGETS = "container name, list of names, or RE2 regex is required (no targets: name "
            + "containers or IDs, give re2:<regex>, --label key=value or --namespace NS)";

    /** The namespace the seed warns about: its pods run the cluster. */
    static final String KUBE_SYSTEM = "kube-system";

    static final String NAMESPACE_LABEL = "io.kubernetes.pod.namespace";

    /** Docker's own rule for container names. */
    private static final Pattern NAME = Pattern.compile("/?[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");
    /** Kubernetes' namespace/pod/container: DNS labels and subdomains. */
    private static final Pattern K8S_NAME =
            Pattern.compile("[a-z0-9][a-z0-9.-]{0,252}/[a-z0-9][a-z0-9.-]{0,252}/[a-z0-9][a-z0-9.-]{0,62}");

    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Label keys as Docker and Kubernetes write them; values without control characters. */
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,252}");

    private static final Pattern LABEL_VALUE = Pattern.compile("[^\\p{Cntrl}]{0,256}");
    /** A container ID as Docker and CRI print it: 64 hex digits, or a prefix of 12 or more. */
    private static final Pattern ID = Pattern.compile("[0-9a-f]{12,64}");
    /** A pattern is run against every container name: long ones are refused rather than risk a slow match. */
    private static final int MAX_PATTERN = 256;

    public TargetSelector(List<String> targets, Map<String, String> labels) {
        this(targets, labels, List.of());
    }

    public TargetSelector(List<String> targets, Map<String, String> labels, List<String> namespaces) {
        this.labels = labels == null ? Map.of() : labels;
        this.namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        this.namespaces.forEach(n -> {
            if (!NAMESPACE.matcher(n).matches())
                throw new IllegalArgumentException("--namespace " + n + ": not a Kubernetes namespace name");
        });
        this.labels.forEach((k, v) -> {
            if (!LABEL_KEY.matcher(k).matches() || !LABEL_VALUE.matcher(v).matches()) {
                throw new IllegalArgumentException("--label " + k + "=" + v
                        + ": not a label (key: letters, digits, . _ / -; value: no control characters)");
            }
        });
        for (String t : targets == null ? List.<String>of() : targets) {
            if (t.startsWith("re2:") && t.length() - 4 > MAX_PATTERN) {
                throw new IllegalArgumentException(
                        "'" + t.substring(0, 40) + "…': a re2: pattern of at most " + MAX_PATTERN + " characters");
            }
            if (!t.startsWith("re2:")
                    && !NAME.matcher(t).matches()
                    && !K8S_NAME.matcher(t).matches()) {
                throw new IllegalArgumentException(
                        "'" + t
                                + "': not a container name (letters, digits, _ . -; on CRI namespace/pod/container) nor re2:<regex>");
            }
            if (t.startsWith("re2:")) {
                try {
                    patterns.add(Pattern.compile(t.substring(4)));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("'" + t + "': not a regular expression: " + e.getDescription());
                }
            } else {
                names.add(t.startsWith("/") ? t.substring(1) : t);
            }
        }
        if (names.isEmpty() && patterns.isEmpty() && this.labels.isEmpty() && this.namespaces.isEmpty()) {
            throw new IllegalArgumentException(NO_TARGETS);
        }
    }

    public boolean matches(String name, Map<String, String> containerLabels) {
        return matches(name, "", containerLabels);
    }

    /**
     * Pumba's labels for containers no chaos may touch, whatever names them: its own ({@code com.gaiaadm.pumba=true})
     * and those its users mark ({@code com.gaiaadm.pumba.skip=true}; Pumba's own helper containers carry it, so a
     * broad re2: cannot recurse onto the tool).
     */
    static final List<String> SKIP_LABELS = List.of("com.gaiaadm.pumba", "com.gaiaadm.pumba.skip");

    /**
     * Whether the container of this name and ID is selected: by name, by its ID (or a prefix), by re2:, by label;
     * never one with a {@link #SKIP_LABELS skip label}.
     */
    public boolean matches(String name, String id, Map<String, String> containerLabels) {
        if (SKIP_LABELS.stream().anyMatch(k -> "true".equals(containerLabels.get(k)))) return false;
        boolean byName = (names.isEmpty() && patterns.isEmpty())
                || names.contains(name)
                || names.stream().anyMatch(n -> isIdOf(n, id))
                || patterns.stream().anyMatch(p -> p.matcher(name).find());
        boolean byLabel =
                labels.entrySet().stream().allMatch(e -> e.getValue().equals(containerLabels.get(e.getKey())));
        return byName && byLabel && inNamespaces(containerLabels.get(NAMESPACE_LABEL));
    }

    /** Whether a target word is this container's ID: the whole ID or a prefix of at least 12 hex digits. */
    static boolean isIdOf(String word, String id) {
        return ID.matcher(word).matches() && id.startsWith(word);
    }

    /** {@code --namespace} narrows; kube-system is never hit unless named by it. A container outside Kubernetes has none. */
    private boolean inNamespaces(String namespace) {
        if (!namespaces.isEmpty()) return namespaces.contains(namespace);
        return !KUBE_SYSTEM.equals(namespace);
    }

    /**
     * Matching containers; {@code runningOnly} for verbs that need a live process. Empty when none matches: as in
     * Pumba, that is no error (the experiment logs "no containers found" and, with {@code --interval}, goes on).
     */
    public List<ContainerTarget> select(ContainerInventory runtime, boolean runningOnly) {
        if (!namespaces.isEmpty() && !runtime.kind().equals("cri"))
            throw new IllegalArgumentException("--namespace is for Kubernetes pods (--runtime cri); "
                    + (runtime.kind().equals("containerd")
                            ? "containerd's own namespace is --containerd-namespace"
                            : runtime.kind() + " containers have none"));
        List<ContainerTarget> out = new ArrayList<>();
        // names alone: the daemon's picture of the containers may answer (it answers only when it holds them all)
        List<ContainerTarget> named = patterns.isEmpty() && labels.isEmpty() && namespaces.isEmpty()
                ? runtime.named(names, runningOnly)
                : null;
        for (ContainerTarget c : named != null ? named : runtime.containers()) {
            if (!matches(c.name(), c.id(), c.labels())) continue;
            if (runningOnly && !c.running()) continue;
            out.add(c);
        }
        return out;
    }

    /** The id (or its prefix) of the container this process runs in, or null on a host. */
    public static String ownContainerIdOrNull() {
        return ownContainerId();
    }

    static String ownContainerId() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                int i = line.indexOf("/containers/");
                if (i >= 0 && line.contains("/hostname")) {
                    String rest = line.substring(i + "/containers/".length());
                    int slash = rest.indexOf('/');
                    if (slash == 64) return rest.substring(0, 64);
                }
            }
        } catch (IOException ignored) {
            // not Linux or no /proc: treat as a host
        }
        return null;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>(names);
        patterns.forEach(p -> parts.add("re2:" + p.pattern()));
        labels.forEach((k, v) -> parts.add("--label " + k + "=" + v));
        namespaces.forEach(n -> parts.add("--namespace " + n));
        return String.join(" ", parts);
    }
}
