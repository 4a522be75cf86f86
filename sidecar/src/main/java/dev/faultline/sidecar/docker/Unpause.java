package dev.faultline.sidecar.docker;

import com.github.dockerjava.api.DockerClient;

import java.util.ArrayList;
import java.util.List;

/**
 * Unpauses a container, tolerating one that is not paused or gone. Also a main: a pause's watchdog runs
 * {@code java -cp <this jar> dev.faultline.sidecar.docker.Unpause <id>} at the deadline, from outside the JVM that
 * paused it, with that JVM's environment (so the same engine socket).
 */
public final class Unpause {
    private Unpause() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || !args[0].matches("[0-9a-f]{12,64}")) {
            System.err.println("usage: Unpause <container id>");
            System.exit(2);
        }
        unpause(Engine.connect(), args[0]);
    }

    public static void unpause(DockerClient docker, String containerId) {
        Engine.tolerateGone(() -> docker.unpauseContainerCmd(containerId).exec());
    }

    /** The watchdog's command: this JVM's java and class path, kept small (a JVM that lives a second). */
    public static List<String> argv(String containerId) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> argv = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Unpause.class.getName(), containerId));
        return argv;
    }
}
