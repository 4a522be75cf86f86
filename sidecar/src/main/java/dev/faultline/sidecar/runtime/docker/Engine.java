package dev.faultline.sidecar.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

import java.io.File;
import java.time.Duration;

/** The one Docker client: the engine's socket ({@code DOCKER_HOST} or {@code /var/run/docker.sock}). */
public final class Engine {
    private Engine() {
    }

    public static String host() {
        String env = System.getenv("DOCKER_HOST");
        return env != null && !env.isBlank() ? env : "unix:///var/run/docker.sock";
    }

    /** Node mode needs the socket; without it the sidecar runs in pod mode. */
    public static boolean reachable() {
        String host = host();
        return !host.startsWith("unix://") || new File(host.substring("unix://".length())).exists();
    }

    /** A container that went away, or is already in the state asked for (409: not paused, already paused …), is not an error. */
    public static void tolerateGone(Runnable call) {
        try {
            call.run();
        } catch (com.github.dockerjava.api.exception.NotFoundException | com.github.dockerjava.api.exception.ConflictException e) {
            // already stopped, paused, unpaused or removed: nothing left to do
        }
    }

    public static DockerClient connect() {
        return connect(host());
    }

    /** The engine at {@code unix:///…} (or {@code tcp://…}). */
    public static DockerClient connect(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }
}
