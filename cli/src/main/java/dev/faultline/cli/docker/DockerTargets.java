package dev.faultline.cli.docker;

import dev.faultline.cli.fleet.Target;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --docker-label KEY=VALUE} (repeatable: every label must be on the container): the running containers that
 * carry them, each reached at its published JMX port. Which port is JMX: the container's label
 * {@code dev.faultline.jmx.port=<container port>}; without it, the one TCP port it publishes; otherwise the container
 * is named and the command refused. Any refusal comes before any call: nothing is called on a partial fleet.
 */
public final class DockerTargets {
    public static final String JMX_PORT_LABEL = "dev.faultline.jmx.port";

    /** The targets could not be found (no engine, no container matched, a container's JMX port unknown): exit 3, nothing called. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private DockerTargets() {}

    /** Null when every value is {@code KEY=VALUE}, else what is wrong, naming the option and the value. */
    public static String refusalOfLabels(String option, List<String> labels) {
        if (labels == null) return null;
        for (String l : labels) {
            int eq = l.indexOf('=');
            if (eq <= 0) return option + " " + l + ": give KEY=VALUE, e.g. app=hello";
        }
        return null;
    }

    /** The targets the engine's running containers give for {@code labels}; none asked, none given. */
    public static List<Target> find(String option, List<String> labels, Target.Kind kind, Duration timeout) {
        if (labels == null || labels.isEmpty()) return List.of();
        List<DockerEngine.Container> running;
        try {
            running = DockerEngine.fromEnvironment(System.getenv("DOCKER_HOST")).running(labels, timeout);
        } catch (IOException | IllegalArgumentException e) {
            throw new Refused(option + " " + String.join(" ", labels) + ": " + e.getMessage() + "; nothing was called");
        }
        return targets(option, labels, running, kind);
    }

    static List<Target> targets(
            String option, List<String> labels, List<DockerEngine.Container> running, Target.Kind kind) {
        if (running.isEmpty()) {
            throw new Refused(option + " " + String.join(" ", labels) + ": no running container carries "
                    + (labels.size() > 1 ? "all of these labels" : "this label") + "; nothing was called");
        }
        List<Target> out = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (DockerEngine.Container c : running) {
            try {
                out.add(target(c, kind));
            } catch (IllegalArgumentException e) {
                unknown.add(e.getMessage());
            }
        }
        if (!unknown.isEmpty()) throw new Refused(String.join("; ", unknown) + "; nothing was called");
        return out;
    }

    static Target target(DockerEngine.Container c, Target.Kind kind) {
        List<DockerEngine.Port> tcp = c.ports().stream()
                .filter(p -> "tcp".equals(p.type()) && p.publicPort() > 0)
                .toList();
        String label = c.labels().get(JMX_PORT_LABEL);
        List<DockerEngine.Port> candidates;
        if (label != null) {
            int wanted;
            try {
                wanted = Integer.parseInt(label.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("container " + c.name() + ": label " + JMX_PORT_LABEL + "=\"" + label
                        + "\" is not a port number");
            }
            candidates = tcp.stream().filter(p -> p.privatePort() == wanted).toList();
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("container " + c.name() + ": label " + JMX_PORT_LABEL + "=" + wanted
                        + " names a port it does not publish" + " (published: " + published(tcp) + ")");
            }
        } else {
            Set<Integer> ports = new LinkedHashSet<>();
            for (DockerEngine.Port p : tcp) ports.add(p.privatePort());
            if (ports.isEmpty())
                throw new IllegalArgumentException(
                        "container " + c.name() + " publishes no TCP port: publish its agent's JMX port");
            if (ports.size() > 1) {
                throw new IllegalArgumentException(
                        "container " + c.name() + " publishes " + ports.size() + " TCP ports (" + published(tcp)
                                + "): label it " + JMX_PORT_LABEL + "=<the container's JMX port>");
            }
            candidates = tcp;
        }
        // a port published on both IPv4 and IPv6 is listed twice: the IPv4 binding is the one loopback reaches first
        DockerEngine.Port p = candidates.stream()
                .filter(x -> !x.ip().contains(":"))
                .findFirst()
                .orElse(candidates.get(0));
        return new Target(host(p.ip()), p.publicPort(), kind, c.name());
    }

    /** A port published on every address is reached on loopback: the engine is on this machine (its socket is). */
    private static String host(String ip) {
        return ip.isEmpty() || ip.equals("0.0.0.0") || ip.equals("::") ? "127.0.0.1" : ip;
    }

    private static String published(List<DockerEngine.Port> tcp) {
        if (tcp.isEmpty()) return "none";
        Set<String> s = new LinkedHashSet<>();
        for (DockerEngine.Port p : tcp) s.add(p.privatePort() + "->" + p.publicPort());
        return String.join(", ", s);
    }
}
