package dev.faultline.sidecar.runtime.podman;

import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.docker.DockerRuntime;
import java.nio.file.Path;

/**
 * Podman through its Docker-compatible API ({@code podman system service}): the Docker runtime's engine client and
 * verbs on Podman's socket, named {@code podman}. Rootful Podman's socket is {@link #SOCKET}; pause needs cgroups v2
 * or rootful Podman, which is what the sidecar runs with.
 */
public final class Podman {
    /** Where rootful Podman's API service listens ({@code podman.socket}, or {@code podman system service}). */
    public static final Path SOCKET = Path.of("/run/podman/podman.sock");

    private Podman() {}

    /** The service at {@code endpoint}; {@code answers} is what its {@code /_ping} said, or null. */
    public static ContainerRuntime connect(String endpoint, String answers) {
        return DockerRuntime.connect("podman", endpoint, answers);
    }
}
