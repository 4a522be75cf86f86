package dev.faultline.sidecar.runtime.detect;

import java.nio.file.Path;

/** Which API the sidecar speaks and on which unix socket. */
public record RuntimeEndpoint(Kind kind, Path socket) {
    public enum Kind {
        /** the Docker Engine API (docker-java) */
        DOCKER,
        /** the Kubernetes Container Runtime Interface v1 over gRPC: containerd, CRI-O */
        CRI,
        /** Podman's Docker-compatible API ({@code podman system service}), through the Docker engine client */
        PODMAN,
        /** containerd's own API over gRPC, in one of its namespaces (not CRI) */
        CONTAINERD
    }

    public RuntimeEndpoint {
        if (!socket.isAbsolute())
            throw new IllegalArgumentException("a runtime socket must be an absolute path: " + socket);
    }

    /**
     * {@code unix:///path}, as kubelet's {@code --container-runtime-endpoint} takes it. Without a kind, a socket
     * named {@code docker.sock} is Docker, {@code podman.sock} Podman, and any other is CRI (cri-dockerd's socket too).
     */
    public static RuntimeEndpoint parse(String uri, Kind kind) {
        if (uri == null || !uri.startsWith("unix://") || !uri.startsWith("/", "unix://".length()))
            throw new IllegalArgumentException(
                    "a runtime endpoint is unix:///absolute/path/to.sock, not '" + uri + "'");
        Path socket = Path.of(uri.substring("unix://".length())).normalize();
        if (kind == null) {
            String name =
                    socket.getFileName() == null ? "" : socket.getFileName().toString();
            kind = name.equals("docker.sock") ? Kind.DOCKER : name.equals("podman.sock") ? Kind.PODMAN : Kind.CRI;
        }
        return new RuntimeEndpoint(kind, socket);
    }

    public String uri() {
        return "unix://" + socket;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " " + uri();
    }
}
