package dev.faultline.sidecar.target;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which containers a command names: exact names, {@code re2:<regex>} (Java regex, found anywhere in the name,
 * as Pumba's re2 is), and {@code --label key=value} (all must match). Never the sidecar's own container.
 */
public final class TargetSelector {
    private final List<String> names = new ArrayList<>();
    private final List<Pattern> patterns = new ArrayList<>();
    private final Map<String, String> labels;

    /** Docker's own rule for container names. */
    private static final Pattern NAME = Pattern.compile("/?[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");
    /** Label keys as Docker and Kubernetes write them; values without control characters. */
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,252}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[^\\p{Cntrl}]{0,256}");
    /** A pattern is run against every container name: long ones are refused rather than risk a slow match. */
    private static final int MAX_PATTERN = 256;

    public TargetSelector(List<String> targets, Map<String, String> labels) {
        this.labels = labels == null ? Map.of() : labels;
        this.labels.forEach((k, v) -> {
            if (!LABEL_KEY.matcher(k).matches() || !LABEL_VALUE.matcher(v).matches()) {
                throw new IllegalArgumentException("--label " + k + "=" + v + ": not a label (key: letters, digits, . _ / -; value: no control characters)");
            }
        });
        for (String t : targets == null ? List.<String>of() : targets) {
            if (t.startsWith("re2:") && t.length() - 4 > MAX_PATTERN) {
                throw new IllegalArgumentException("'" + t.substring(0, 40) + "…': a re2: pattern of at most " + MAX_PATTERN + " characters");
            }
            if (!t.startsWith("re2:") && !NAME.matcher(t).matches()) {
                throw new IllegalArgumentException("'" + t + "': not a container name (letters, digits, _ . -) nor re2:<regex>");
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
        if (names.isEmpty() && patterns.isEmpty() && this.labels.isEmpty()) {
            throw new IllegalArgumentException("no targets: name containers, give re2:<regex>, or --label key=value");
        }
    }

    public boolean matches(String name, Map<String, String> containerLabels) {
        boolean byName = (names.isEmpty() && patterns.isEmpty()) || names.contains(name)
                || patterns.stream().anyMatch(p -> p.matcher(name).find());
        boolean byLabel = labels.entrySet().stream().allMatch(e -> e.getValue().equals(containerLabels.get(e.getKey())));
        return byName && byLabel;
    }

    /** Matching containers; {@code runningOnly} for verbs that need a live process. Refuses an empty result. */
    public List<ContainerTarget> select(DockerClient docker, boolean runningOnly) {
        String self = ownContainerId();
        List<ContainerTarget> out = new ArrayList<>();
        for (Container c : docker.listContainersCmd().withShowAll(true).exec()) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].substring(1);
            Map<String, String> l = c.getLabels() == null ? Map.of() : c.getLabels();
            if (!matches(name, l)) continue;
            if (self != null && c.getId().startsWith(self)) continue; // never act on our own container
            if (l.containsKey("dev.faultline.helper")) continue; // nor on the short-lived helpers that shape a network
            if (runningOnly && !"running".equals(c.getState())) continue;
            out.add(new ContainerTarget(c.getId(), name, c.getState(), l));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no " + (runningOnly ? "running " : "") + "container matches " + this);
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
        return String.join(" ", parts);
    }
}
