package dev.faultline.sidecar.runtime.detect;

import dev.faultline.common.engine.EngineEndpoint;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.RuntimeEndpointException;
import dev.faultline.sidecar.runtime.containerd.ContainerdContainers;
import dev.faultline.sidecar.runtime.cri.CriContainers;
import dev.faultline.sidecar.runtime.detect.RuntimeEndpoint.Kind;
import dev.faultline.sidecar.runtime.docker.DockerRuntime;
import dev.faultline.sidecar.runtime.podman.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the runtime the flags name ({@code --runtime docker|cri|containerd|podman}, {@code --runtime-endpoint
 * unix:///path}, {@code --containerd-address}, {@code --containerd-namespace}), else the one this node has.
 * {@code DOCKER_HOST} without flags keeps meaning the Docker engine there, as it always did.
 */
public final class Runtimes {
    /** Made at the first line logged, not at start: slf4j's setup then overlaps the date format's (Main). */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger("faultline.runtime");
    }

    private Runtimes() {}

    /**
     * The runtime flags as given, all null when none was: {@code --runtime}, {@code --runtime-endpoint}, and Pumba's
     * {@code --containerd-address} and {@code --containerd-namespace} (for {@code --runtime containerd}).
     */
    public record Flags(String runtime, String endpoint, String containerdAddress, String containerdNamespace) {
        public static final Flags NONE = new Flags(null, null);
        /** Pumba's default, Kubernetes' namespace. */
        public static final String DEFAULT_CONTAINERD_NAMESPACE = "k8s.io";

        public Flags {
            if (runtime != null
                    && !List.of("docker", "cri", "containerd", "podman").contains(runtime))
                throw new IllegalArgumentException(
                        "--runtime " + runtime + ": expected docker, cri, containerd or podman");
            if ((containerdAddress != null || containerdNamespace != null) && !"containerd".equals(runtime))
                throw new IllegalArgumentException(
                        "--containerd-address and --containerd-namespace are for --runtime containerd");
            if (containerdNamespace != null && containerdNamespace.isBlank())
                throw new IllegalArgumentException("--containerd-namespace must not be empty");
            if (endpoint != null && containerdAddress != null)
                throw new IllegalArgumentException(
                        "--runtime-endpoint and --containerd-address both name the socket: give one");
        }

        public Flags(String runtime, String endpoint) {
            this(runtime, endpoint, null, null);
        }

        public boolean given() {
            return runtime != null || endpoint != null;
        }

        Kind kind() {
            return runtime == null ? null : Kind.valueOf(runtime.toUpperCase(Locale.ROOT));
        }

        String namespace() {
            return containerdNamespace == null ? DEFAULT_CONTAINERD_NAMESPACE : containerdNamespace;
        }
    }

    /**
     * Where containerd listens when {@code --runtime containerd} names no socket, in this order: the plain one, then
     * Docker's own (dockerd starts a containerd of its own when none runs on the host).
     */
    public static final List<Path> CONTAINERD_SOCKETS =
            List.of(Path.of("/run/containerd/containerd.sock"), Path.of("/var/run/docker/containerd/containerd.sock"));

    /** Whether any runtime can be reached without flags: else the sidecar is in pod mode. {@code DOCKER_HOST} decides alone. */
    public static boolean anyOnThisNode() {
        if (dockerHostSet()) return dockerHostReachable();
        return RuntimeEndpoints.KNOWN.stream().anyMatch(Files::exists);
    }

    /** Node mode needs the socket; a tcp:// engine is taken as reachable (it answers or fails at the first call). */
    private static boolean dockerHostReachable() {
        String host = EngineEndpoint.host();
        return !host.startsWith("unix://") || Files.exists(EngineEndpoint.socketPath(host));
    }

    private static boolean dockerHostSet() {
        String env = System.getenv("DOCKER_HOST");
        return env != null && !env.isBlank();
    }

    public static ContainerRuntime open(Flags flags) {
        ContainerRuntime rt = connect(flags);
        Log.log.info("action=runtime runtime={} endpoint={} using=\"{}\"", rt.kind(), rt.endpoint(), rt.describe());
        return rt;
    }

    private static ContainerRuntime connect(Flags flags) {
        if (flags.kind() == Kind.CONTAINERD) return containerd(flags);
        if (flags.endpoint() == null && flags.kind() == Kind.PODMAN)
            return podman(RuntimeEndpoints.named().resolve(Podman.defaultEndpoint(System.getenv()), Kind.PODMAN));
        if (flags.endpoint() == null && flags.kind() != Kind.CRI && (flags.kind() == Kind.DOCKER || dockerHostSet()))
            return DockerRuntime.connect(EngineEndpoint.host(), null);
        RuntimeEndpoints.Detected d;
        if (flags.endpoint() != null) d = RuntimeEndpoints.named().resolve(flags.endpoint(), flags.kind());
        else if (flags.kind() == Kind.CRI)
            d = RuntimeEndpoints.detecting(RuntimeEndpoints.KNOWN.stream()
                            .filter(p -> !p.getFileName().toString().equals("docker.sock"))
                            .toList())
                    .detect();
        else d = new RuntimeEndpoints().detect();
        d.skipped().forEach(s -> Log.log.info("action=runtime skipped=\"{}\"", s));
        return switch (d.endpoint().kind()) {
            case DOCKER -> DockerRuntime.connect(d.endpoint().uri(), d.runtime());
            case PODMAN -> podman(d);
            case CRI -> CriContainers.connect(d.endpoint().uri(), d.runtime());
            case CONTAINERD -> throw new IllegalStateException("containerd is only used when named");
        };
    }

    private static ContainerRuntime podman(RuntimeEndpoints.Detected d) {
        return Podman.connect(d.endpoint().uri(), d.runtime());
    }

    /** The socket named, else the first of {@link #CONTAINERD_SOCKETS} that exists; probed for its version. */
    private static ContainerRuntime containerd(Flags flags) {
        String named = flags.containerdAddress() != null ? flags.containerdAddress() : flags.endpoint();
        if (named != null && named.startsWith("/")) named = "unix://" + named; // Pumba's flag takes a plain path
        String uri = named;
        if (uri == null) {
            Path socket = CONTAINERD_SOCKETS.stream()
                    .filter(Files::exists)
                    .findFirst()
                    .orElseThrow(() -> new RuntimeEndpointException(
                            "unix://" + CONTAINERD_SOCKETS.get(0),
                            "no containerd socket: probed " + CONTAINERD_SOCKETS
                                    + ". Name one with --containerd-address"));
            uri = "unix://" + socket;
        }
        RuntimeEndpoints.Detected d = RuntimeEndpoints.named().resolve(uri, Kind.CONTAINERD);
        return ContainerdContainers.connect(d.endpoint().uri(), flags.namespace(), d.runtime());
    }
}
