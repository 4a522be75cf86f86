package dev.faultline.sidecar.runtime.containerd;

import java.time.Duration;
import java.util.List;

/**
 * Resumes a container's paused task, tolerating one that is not paused or gone. A main: a pause's watchdog runs
 * {@code java -cp <this jar> dev.faultline.sidecar.runtime.containerd.Resume <id> <endpoint> <namespace>} at the
 * deadline, outside the JVM that paused it, on the socket and namespace the pause was made through.
 */
public final class Resume {
    private Resume() {}

    public static void main(String[] args) {
        if (args.length != 3
                || !args[0].matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,75}")
                || !args[1].startsWith("unix:///")) {
            System.err.println("usage: Resume <container id> <containerd endpoint: unix:///path> <namespace>");
            System.exit(2);
        }
        try (ContainerdApi api = ContainerdApi.connect(args[1], args[2], Duration.ofSeconds(10))) {
            TaskPause.resume(api, args[0]);
        }
    }

    /** The watchdog's command: this JVM's java and class path, kept small (a JVM that lives a second). */
    static List<String> argv(String containerId, String endpoint, String namespace) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        return List.of(
                java,
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                Resume.class.getName(),
                containerId,
                endpoint,
                namespace);
    }
}
