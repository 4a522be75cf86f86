package dev.faultline.sidecar.runtime.detect;

import dev.faultline.common.engine.EngineAnswer;
import dev.faultline.common.words.Durations;
import dev.faultline.sidecar.runtime.RuntimeEndpointException;
import dev.faultline.sidecar.runtime.containerd.ContainerdContainers;
import dev.faultline.sidecar.runtime.cri.CriProbe;
import dev.faultline.sidecar.runtime.detect.RuntimeEndpoint.Kind;
import dev.faultline.sidecar.runtime.podman.Podman;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which container runtime this node has: the first known socket that answers, or the operator's explicit
 * {@code unix:///path}. A socket that exists but does not answer is an error that names it (within a short deadline),
 * never a silent fall-through to another runtime: acting on the wrong runtime's containers is worse than refusing.
 * The one exception is a containerd that answers but has its CRI plugin disabled (Docker's own containerd on a Docker
 * host): it is skipped with a note, so the Docker socket after it is found.
 * <p>
 * The CRI client is only touched when a CRI socket is probed, so the Docker path never loads gRPC.
 */
public final class RuntimeEndpoints {
    /** In the order they are probed: containerd (plain, k3s, microk8s), CRI-O, Docker, Podman. */
    public static final List<Path> KNOWN = List.of(
            Path.of("/run/containerd/containerd.sock"),
            Path.of("/run/k3s/containerd/containerd.sock"),
            Path.of("/var/snap/microk8s/common/run/containerd.sock"),
            Path.of("/var/run/crio/crio.sock"),
            Path.of("/var/run/docker.sock"),
            Podman.SOCKET);

    public static final Duration PROBE_DEADLINE = Duration.ofSeconds(2);
    /**
     * For a runtime named with --runtime or an endpoint: the only candidate, and its first call carries a cold JVM's
     * gRPC and netty start (2-4 s on a loaded 2-core node, seen with containerd's Version), so it gets the calls' own
     * deadline.
     */
    public static final Duration NAMED_PROBE_DEADLINE = Duration.ofSeconds(10);
    /**
     * Replaces both deadlines above when set (a duration: {@code 30s}): a node where a JVM runs many times slower
     * (software emulation) misses the 2 s of detection, and failing there is right on a normal node.
     */
    public static final String DEADLINE_VARIABLE = "FAULTLINE_RUNTIME_PROBE_TIMEOUT";

    /** Probes for an endpoint named by flags: {@link #NAMED_PROBE_DEADLINE}, or the variable's. */
    public static RuntimeEndpoints named() {
        return new RuntimeEndpoints(KNOWN, deadline(System.getenv(DEADLINE_VARIABLE), NAMED_PROBE_DEADLINE));
    }

    /** Detection among {@code candidates}: {@link #PROBE_DEADLINE}, or the variable's. */
    public static RuntimeEndpoints detecting(List<Path> candidates) {
        return new RuntimeEndpoints(candidates, deadline(System.getenv(DEADLINE_VARIABLE), PROBE_DEADLINE));
    }

    /** {@code value} of {@link #DEADLINE_VARIABLE} as a deadline, {@code unset} when absent or blank. */
    static Duration deadline(String value, Duration unset) {
        if (value == null || value.isBlank()) return unset;
        Duration d;
        try {
            d = Duration.ofNanos(Durations.parseNanos(value));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(DEADLINE_VARIABLE + "='" + value + "': "
                    + (e instanceof ArithmeticException ? "too long" : e.getMessage()) + " (e.g. 2s, 30s, 1m)");
        }
        if (d.toMillis() < 1)
            throw new IllegalArgumentException(
                    DEADLINE_VARIABLE + "='" + value + "': a probe deadline must be at least 1ms (e.g. 2s, 30s, 1m)");
        return d;
    }

    /** The endpoint in use and what answered there, for the log and {@code list()}; {@code skipped} says why others were not used. */
    public record Detected(RuntimeEndpoint endpoint, String runtime, List<String> skipped) {
        @Override
        public String toString() {
            return endpoint + " (" + runtime + ")";
        }
    }

    private final List<Path> candidates;
    private final Duration deadline;

    /** Detection among {@link #KNOWN}: {@link #detecting(List)}. */
    public RuntimeEndpoints() {
        this(KNOWN, deadline(System.getenv(DEADLINE_VARIABLE), PROBE_DEADLINE));
    }

    public RuntimeEndpoints(List<Path> candidates, Duration deadline) {
        this.candidates = List.copyOf(candidates);
        this.deadline = deadline;
    }

    /** The explicit endpoint if one is given ({@code kind} may be null: then the socket's name decides), else {@link #detect()}. */
    public Detected resolve(String explicitUri, Kind kind) {
        if (explicitUri == null || explicitUri.isBlank()) return detect();
        RuntimeEndpoint endpoint = RuntimeEndpoint.parse(explicitUri.trim(), kind);
        if (!Files.exists(endpoint.socket())) throw new RuntimeEndpointException(endpoint.uri(), "no such socket");
        String runtime = probe(endpoint)
                .orElseThrow(
                        () -> new RuntimeEndpointException(
                                endpoint.uri(),
                                "answers, but serves no CRI RuntimeService v1 "
                                        + "(a containerd with its cri plugin disabled? check disabled_plugins in its config.toml)"));
        return new Detected(endpoint, runtime, List.of());
    }

    /** The first candidate socket that exists and answers; an error if one exists but does not answer, or none exists. */
    public Detected detect() {
        List<String> skipped = new ArrayList<>();
        for (Path socket : candidates) {
            if (!Files.exists(socket)) continue;
            RuntimeEndpoint endpoint = RuntimeEndpoint.parse("unix://" + socket, null);
            Optional<String> runtime = probe(endpoint);
            if (runtime.isPresent()) return new Detected(endpoint, runtime.get(), List.copyOf(skipped));
            skipped.add(endpoint.uri() + ": answers, but serves no CRI (containerd's cri plugin disabled)");
        }
        StringBuilder why = new StringBuilder("no container runtime found: probed ");
        for (Path p : candidates) why.append(p).append(", ");
        why.setLength(why.length() - 2);
        for (String s : skipped) why.append("; ").append(s);
        throw new RuntimeEndpointException(
                candidates.isEmpty() ? "(none)" : "unix://" + candidates.get(0),
                why + ". Name one with --runtime-endpoint unix:///path");
    }

    /**
     * What answers at {@code endpoint}, e.g. {@code containerd 1.6.20 (CRI v1)}; empty when a CRI socket answers
     * gRPC without the CRI service. Throws, naming the endpoint, when it is not a socket or does not answer.
     */
    public Optional<String> probe(RuntimeEndpoint endpoint) {
        Path socket = endpoint.socket();
        try {
            if (!Files.readAttributes(socket, BasicFileAttributes.class).isOther())
                throw new RuntimeEndpointException(endpoint.uri(), "exists but is not a unix socket");
        } catch (IOException e) {
            throw new RuntimeEndpointException(endpoint.uri(), "cannot read it: " + e.getMessage(), e);
        }
        if (endpoint.kind() == Kind.DOCKER || endpoint.kind() == Kind.PODMAN) return Optional.of(probeDocker(endpoint));
        // a bare connect first: a stale socket gets "connection refused" in words, not a gRPC UNAVAILABLE
        UnixSocketProbe.connect(socket, deadline);
        if (endpoint.kind() == Kind.CONTAINERD)
            return Optional.of(ContainerdContainers.probe(endpoint.uri(), deadline));
        return CriProbe.version(endpoint.uri(), deadline);
    }

    private String probeDocker(RuntimeEndpoint endpoint) {
        EngineAnswer reply = UnixSocketProbe.get(endpoint.socket(), "/_ping", deadline);
        String status = reply.statusLine();
        if (reply.status() != 200)
            throw new RuntimeEndpointException(
                    endpoint.uri(),
                    "answers, but not as a Docker engine does to GET /_ping: '"
                            + (status.isBlank() ? "(nothing)" : status.strip()) + "'");
        String api = reply.header("Api-Version");
        String libpod = reply.header("Libpod-Api-Version");
        String which = libpod != null && !libpod.isEmpty() ? "Podman " + libpod.strip() + ", " : "";
        return which
                + (api != null && !api.isEmpty() ? "Docker Engine API " + api.split("\\s+")[0] : "Docker Engine API");
    }
}
