package dev.faultline.sidecar.runtime.docker;

import java.util.ArrayList;
import java.util.List;

/**
 * Unpauses a container, tolerating one that is not paused or gone. Also a main: a pause's watchdog runs
 * {@code java -cp <this jar> dev.faultline.sidecar.runtime.docker.Unpause <id> <endpoint>} at the deadline, from outside the
 * JVM that paused it. The endpoint is the engine the pause was made through ({@code --runtime-endpoint}, a detected
 * socket or {@code DOCKER_HOST}): the watchdog's own environment may name another one, or none.
 */
public final class Unpause {
    private Unpause() {}

    public static void main(String[] args) {
        if (args.length != 2 || !args[0].matches("[0-9a-f]{12,64}") || !args[1].matches("(unix|tcp)://\\S+")) {
            System.err.println("usage: Unpause <container id> <engine endpoint: unix:///path or tcp://host:port>");
            System.exit(2);
        }
        EngineCalls.forHost(args[1]).unpause(args[0]);
    }

    /** The watchdog's command: this JVM's java and class path, kept small (a JVM that lives a second). */
    public static List<String> argv(String containerId, String endpoint) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> argv = new ArrayList<>(List.of(
                java,
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                Unpause.class.getName(),
                containerId,
                endpoint));
        return argv;
    }
}
