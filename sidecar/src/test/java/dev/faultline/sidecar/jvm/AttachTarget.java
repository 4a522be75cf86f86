package dev.faultline.sidecar.jvm;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM the attach ITs load the agent into, run in a shell-less container from the test classes mounted at /app.
 * With {@code plant NAME=TARGET…} it first does what a hostile container user would: symlinks in its own /tmp, named
 * like the files an attacher touches, toward host paths; with {@code tmp-link TARGET} (as root) /tmp itself becomes one.
 */
public final class AttachTarget {
    private AttachTarget() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("tmp-link")) {
            // as root in its container: /tmp itself becomes a symlink toward a host path
            Files.delete(Path.of("/tmp"));
            Files.createSymbolicLink(Path.of("/tmp"), Path.of(args[1]));
        }
        if (args.length > 0 && args[0].equals("plant")) {
            for (int i = 1; i < args.length; i++) {
                String[] kv = args[i].split("=", 2);
                Files.createSymbolicLink(Path.of("/tmp", kv[0]), Path.of(kv[1]));
            }
        }
        System.out.println("target up: java " + System.getProperty("java.version"));
        System.out.flush();
        while (true) {
            Thread.sleep(1000);
        }
    }
}
