package dev.faultline.common.sidecar;

import java.util.List;

/**
 * The sidecar's options before its verb ({@code faultline-sidecar [options] <verb> …}): the names its picocli model
 * declares (these constants), and which of them take a value, so that another program finds the verb as the sidecar
 * does.
 */
public final class GlobalOptions {
    public static final String RANDOM = "--random";
    public static final String INTERVAL = "--interval";
    public static final String LIMIT = "--limit";
    public static final String DRY_RUN = "--dry-run";
    public static final String LABEL = "--label";
    public static final String NAMESPACE = "--namespace";
    public static final String RUNTIME = "--runtime";
    public static final String RUNTIME_ENDPOINT = "--runtime-endpoint";
    /** Pumba's words for {@code --runtime containerd}: its socket and the namespace of the containers. */
    public static final String CONTAINERD_ADDRESS = "--containerd-address";
    /** Pumba's own name for {@link #CONTAINERD_ADDRESS}. */
    public static final String CONTAINERD_SOCKET = "--containerd-socket";

    public static final String CONTAINERD_NAMESPACE = "--containerd-namespace";
    /** Pumba's words for {@code --runtime podman}'s socket. */
    public static final String PODMAN_SOCKET = "--podman-socket";

    public static final String POD = "--pod";
    /** Pumba's logging words: the level (debug, info, warning, error, fatal, panic) and JSON lines. */
    public static final String LOG_LEVEL = "--log-level";

    public static final String JSON = "--json";
    /** Pumba's: with {@code --interval}, a tick that fails is logged and the schedule goes on. */
    public static final String SKIP_ERROR = "--skip-error";

    /** Every option before the verb, picocli's standard help and version flags included. */
    public static final List<Option> ALL = List.of(
            Option.flag(RANDOM),
            Option.valued(INTERVAL),
            Option.valued(LIMIT),
            Option.flag(DRY_RUN),
            Option.valued(LABEL),
            Option.valued(NAMESPACE),
            Option.valued(RUNTIME),
            Option.valued(RUNTIME_ENDPOINT),
            Option.valued(CONTAINERD_ADDRESS, CONTAINERD_SOCKET),
            Option.valued(CONTAINERD_NAMESPACE),
            Option.valued(PODMAN_SOCKET),
            Option.flag(POD),
            Option.valued("-l", LOG_LEVEL),
            Option.flag(JSON, "-j"),
            Option.flag(SKIP_ERROR),
            Option.flag("-h", "--help"),
            Option.flag("-V", "--version"));

    private GlobalOptions() {}
}
