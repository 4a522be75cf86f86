package dev.faultline.sidecar.runtime.detect;

import java.nio.file.Path;

/** Which API the sidecar speaks and on which unix socket. */
public record RuntimeEndpoint(Kind kind, Path socket) {
    public enum Kind {
        /** the Docker Engine API (docker-java) */
        DOCKER,
        /** the Kubernetes Container Runtime Interface v1 over gRPC: containerd, CRI-O */
        CRI
    }

    public RuntimeEndpoint {
        if (!socket.isAbsolute())
            throw new IllegalArgumentException("a runtime socket must be an absolute path: " + socket);
    }

    /**
     * {@code unix:///path}, as kubelet's {@code --container-runtime-endpoint} takes it. Without a kind, a socket
     * named {@code docker.sock} is Docker and any other is CRI (cri-dockerd's socket too).
     */
    public static RuntimeEndpoint parse(String uri, Kind kind) {
        if (uri == null || !uri.startsWith("unix://") || !uri.startsWith("/", "unix://".length()))
            throw new IllegalArgumentException(
                    "a runtime endpoint is unix:///absolute/path/to.sock, not '" + uri + "'");
        Path socket = Path.of(uri.substring("unix://".length())).normalize();
        if (kind == null)
            kind = socket.getFileName() != null
                            && socket.getFileName().toString().equals("docker.sock")
                    ? Kind.DOCKER
                    : Kind.CRI;
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
