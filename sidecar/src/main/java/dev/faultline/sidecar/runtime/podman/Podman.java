package dev.faultline.sidecar.runtime.podman;

import dev.faultline.common.engine.EngineAnswer;
import dev.faultline.common.engine.EngineEndpoint;
import dev.faultline.common.engine.EngineSocket;
import dev.faultline.common.json.JsonReader;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.RuntimeEndpointException;
import dev.faultline.sidecar.runtime.docker.DockerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Podman through its Docker-compatible API ({@code podman system service}): the Docker runtime's engine client and
 * verbs on Podman's socket, named {@code podman}. Rootful Podman's socket is {@link #SOCKET}; pause needs cgroups v2
 * or rootful Podman, which is what the sidecar runs with. On a rootless service the network verbs are refused before
 * anything is selected ({@link #rootlessRefusal}), as Pumba refuses them.
 */
public final class Podman {
    /** Where rootful Podman's API service listens ({@code podman.socket}, or {@code podman system service}). */
    public static final Path SOCKET = Path.of("/run/podman/podman.sock");

    /** Pumba's order for {@code --runtime podman} without {@code --podman-socket}: these variables, then {@link #SOCKET}. */
    public static final List<String> SOCKET_VARIABLES = List.of("CONTAINER_HOST", "PODMAN_SOCK");

    private static final Duration INFO_DEADLINE = Duration.ofSeconds(10);

    private Podman() {}

    /** The socket {@code --runtime podman} uses when none is named: the first of {@link #SOCKET_VARIABLES} set, else {@link #SOCKET}. */
    public static String defaultEndpoint(Map<String, String> env) {
        for (String name : SOCKET_VARIABLES) {
            String v = env.get(name);
            if (v == null || v.isBlank()) continue;
            v = v.strip();
            if (v.startsWith("/")) return "unix://" + v; // PODMAN_SOCK may be a plain path
            if (!v.startsWith("unix://"))
                throw new RuntimeEndpointException(
                        v,
                        name + " names it, but the sidecar speaks to Podman on a unix:// socket only: name one "
                                + "with --podman-socket unix:///path");
            return v;
        }
        return "unix://" + SOCKET;
    }

    /**
     * The service at {@code endpoint}; {@code answers} is what its {@code /_ping} said, or null. Asks it whether it is
     * rootless only when its socket is not root's: a rootful service's always is, and its info costs 0.5-1 s
     * (libpod gathers its store's figures), which every run on rootful Podman would otherwise pay.
     */
    public static ContainerRuntime connect(String endpoint, String answers) {
        boolean rootless = !ownedByRoot(endpoint) && rootless(info(endpoint));
        return DockerRuntime.connect(
                "podman",
                endpoint,
                rootless ? (answers == null ? "" : answers + ", ") + "rootless" : answers,
                rootlessRefusal(rootless, endpoint));
    }

    /** Whether the service's unix socket belongs to root (the path followed: /var/run is a link); false if unreadable. */
    static boolean ownedByRoot(String endpoint) {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(EngineEndpoint.socketPath(endpoint), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * libpod's {@code GET /v4.0.0/libpod/info} (4.3.1 answers 404 without a version; Podman 4 and 5 serve v4), else
     * the Docker-compatible {@code /info}: what Podman says of its host, rootless or not among it.
     */
    private static String info(String endpoint) {
        EngineSocket socket = new EngineSocket(EngineEndpoint.parse(endpoint), "faultline-sidecar");
        String tried = "";
        for (String path : List.of("/v4.0.0/libpod/info", "/info")) {
            try {
                EngineAnswer a = socket.exchange("GET", path, "", INFO_DEADLINE, INFO_DEADLINE);
                if (a.status() == 200) return a.body();
                tried += " GET " + path + ": '" + a.statusLine().strip() + "';";
            } catch (IOException e) {
                throw new RuntimeEndpointException(endpoint, "GET " + path + ": " + e.getMessage(), e);
            }
        }
        throw new RuntimeEndpointException(endpoint, "answers /_ping, but not its info:" + tried);
    }

    /**
     * Whether Podman's info says it runs rootless: libpod's {@code host.security.rootless} (what Podman 4.3.1 says;
     * its Docker-compatible {@code /info} does not), or the compatible {@code SecurityOptions} entry
     * {@code name=rootless} that Pumba reads (later Podman).
     */
    public static boolean rootless(String infoJson) {
        if (!(JsonReader.parse(infoJson, "Podman's info") instanceof Map<?, ?> info)) return false;
        if (info.get("host") instanceof Map<?, ?> host
                && host.get("security") instanceof Map<?, ?> security
                && Boolean.TRUE.equals(security.get("rootless"))) return true;
        return info.get("SecurityOptions") instanceof List<?> options
                && options.stream().anyMatch(o -> o instanceof String s && s.contains("name=rootless"));
    }

    /** The one place that says which verbs a rootless Podman cannot serve, and why; null when it is rootful. */
    static DockerRuntime.Refusal rootlessRefusal(boolean rootless, String endpoint) {
        if (!rootless) return null;
        return verb -> verb == Verb.NETEM || verb == Verb.IPTABLES
                ? verb.word() + " requires rootful podman (detected rootless socket at " + endpoint + "), as Pumba "
                        + "requires: a rootless Podman's containers' networks are its user's namespaces behind "
                        + "slirp4netns, where the sidecar's network changes and their recovery are not supported. "
                        + "Use rootful Podman (unix://" + SOCKET + ", --podman-socket)"
                : null;
    }
}
