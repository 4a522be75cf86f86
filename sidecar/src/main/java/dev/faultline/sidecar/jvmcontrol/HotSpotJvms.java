package dev.faultline.sidecar.jvmcontrol;

import dev.faultline.sidecar.jvm.AttachRefusedException;
import dev.faultline.sidecar.jvm.JvmAttacher;
import dev.faultline.sidecar.jvm.JvmFinder;
import dev.faultline.sidecar.jvm.JvmProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@link JvmAccess} over the sidecar's own finder and HotSpot attacher (jvm/) and the agent's unix-socket connector. */
public final class HotSpotJvms implements JvmAccess {
    private final JvmFinder finder = new JvmFinder();
    private final JvmAttacher attacher = new JvmAttacher();

    @Override
    public List<FoundJvm> find(String container, String containerId, long containerHostPid) {
        List<JvmProcess> found;
        try {
            found = finder.find(containerHostPid);
        } catch (IOException e) {
            throw new IllegalStateException(container + ": " + e.getMessage(), e);
        }
        List<FoundJvm> out = new ArrayList<>();
        for (JvmProcess p : found) out.add(described(container, containerId, p));
        return out;
    }

    static FoundJvm described(String container, String containerId, JvmProcess p) {
        return new FoundJvm(
                container,
                containerId,
                p.hostPid(),
                p.nsPid(),
                p.uid(),
                p.gid(),
                ProcessStart.ticks(p.hostPid()),
                p.javaVersion(),
                Boolean.TRUE.equals(p.faultlineLoaded()),
                p.attachable() ? null : p.refusal());
    }

    @Override
    public void attach(FoundJvm jvm, String agentOptions) {
        if (!ProcessStart.same(jvm.hostPid(), jvm.startTicks()))
            throw new IllegalStateException(jvm.container() + " pid " + jvm.hostPid() + " is gone");
        try {
            JvmProcess now = finder.inspect(jvm.hostPid());
            // described again by number: the same process as listed, or nothing is sent
            if (now.startTime() != jvm.startTicks())
                throw new IllegalStateException(jvm.container() + " pid " + jvm.hostPid()
                        + " now belongs to another process (its PID was reused): not attached");
            attacher.attach(now, agentOptions);
        } catch (IOException e) {
            throw new IllegalStateException(
                    jvm.container() + " pid " + jvm.hostPid() + " is gone: " + e.getMessage(), e);
        } catch (AttachRefusedException e) {
            throw new IllegalStateException(jvm.container() + " pid " + jvm.hostPid() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean faultlineLoaded(FoundJvm jvm) {
        try {
            JvmProcess now = finder.inspect(jvm.hostPid());
            return now.startTime() == jvm.startTicks() && Boolean.TRUE.equals(now.faultlineLoaded());
        } catch (IOException | IllegalArgumentException gone) {
            return false; // it exited while it was read
        }
    }

    @Override
    public AgentLink connect(FoundJvm jvm, ControlDirectory dir, AttachSecret secret) {
        return UnixAgentLink.connect(jvm, dir, secret);
    }
}
