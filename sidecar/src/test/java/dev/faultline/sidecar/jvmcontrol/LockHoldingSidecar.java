package dev.faultline.sidecar.jvmcontrol;

import java.nio.file.Path;

/**
 * A second process of the lock files' IT: takes the lock of the JVM named by its arguments in the directory named,
 * as a sidecar's {@code jvm fault} does, says so, and holds it until it is killed.
 */
public final class LockHoldingSidecar {
    private LockHoldingSidecar() {}

    public static void main(String[] args) throws Exception {
        FoundJvm jvm = JvmLockFilesIT.jvm(Long.parseLong(args[1]), Long.parseLong(args[2]));
        JvmLockFiles.Held held = new JvmLockFiles(Path.of(args[0])).hold(jvm, "jvm fault");
        System.out.println("held");
        System.out.flush();
        Thread.sleep(120_000); // killed long before
        held.close();
    }
}
