package dev.faultline.sidecar.runtime.detect;

import dev.faultline.common.engine.EngineEndpoint;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.cri.CriContainers;
import dev.faultline.sidecar.runtime.detect.RuntimeEndpoint.Kind;
import dev.faultline.sidecar.runtime.docker.DockerRuntime;
import java.nio.file.Files;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the runtime the flags name ({@code --runtime docker|cri}, {@code --runtime-endpoint unix:///path}), else the
 * one this node has. {@code DOCKER_HOST} without flags keeps meaning the Docker engine there, as it always did.
 */
public final class Runtimes {
    /** Made at the first line logged, not at start: slf4j's setup then overlaps the date format's (Main). */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger("faultline.runtime");
    }

    private Runtimes() {}

    /** The two flags as given; both null when neither was. */
    public record Flags(String runtime, String endpoint) {
        public static final Flags NONE = new Flags(null, null);

        public Flags {
            if (runtime != null && !List.of("docker", "cri").contains(runtime))
                throw new IllegalArgumentException("--runtime " + runtime + ": expected docker or cri");
        }

        public boolean given() {
            return runtime != null || endpoint != null;
        }

        Kind kind() {
            return runtime == null ? null : runtime.equals("docker") ? Kind.DOCKER : Kind.CRI;
        }
    }

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
        if (flags.endpoint() == null && flags.kind() != Kind.CRI && (flags.kind() == Kind.DOCKER || dockerHostSet()))
            return DockerRuntime.connect(EngineEndpoint.host(), null);
        RuntimeEndpoints.Detected d;
        if (flags.endpoint() != null) d = new RuntimeEndpoints().resolve(flags.endpoint(), flags.kind());
        else if (flags.kind() == Kind.CRI)
            d = new RuntimeEndpoints(
                            RuntimeEndpoints.KNOWN.stream()
                                    .filter(p -> !p.getFileName().toString().equals("docker.sock"))
                                    .toList(),
                            RuntimeEndpoints.PROBE_DEADLINE)
                    .detect();
        else d = new RuntimeEndpoints().detect();
        d.skipped().forEach(s -> Log.log.info("action=runtime skipped=\"{}\"", s));
        if (d.endpoint().kind() == Kind.DOCKER)
            return DockerRuntime.connect(d.endpoint().uri(), d.runtime());
        return CriContainers.connect(d.endpoint().uri(), d.runtime());
    }
}
