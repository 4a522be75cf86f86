package dev.faultline.sidecar.jvm;

import java.util.List;

/**
 * Run inside the sidecar's image with its shipped jar first on the class path: finds the JVMs of a container's host PID
 * and attaches to the first, with the agent jar the image ships ({@link AgentJar} beside the sidecar's jar). One line
 * per outcome, for {@link SidecarImageAttachIT}.
 */
public final class ImageAttachProbe {
    private ImageAttachProbe() {}

    public static void main(String[] args) {
        try {
            List<JvmProcess> found = new JvmFinder().find(Long.parseLong(args[0]));
            System.out.println("FOUND " + found.size() + " agent=" + AgentJar.bundled());
            JvmAttacher.Attached a = new JvmAttacher().attach(found.get(0), "");
            System.out.println("ATTACHED java " + a.process().javaVersion() + " in " + a.millis() + " ms");
        } catch (Exception e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }
}
