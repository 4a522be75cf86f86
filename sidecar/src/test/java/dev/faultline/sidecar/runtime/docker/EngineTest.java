package dev.faultline.sidecar.runtime.docker;

import dev.faultline.sidecar.Sidecar;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test against the real engine: skipped (or, under CI, failed) without one; its containers removed after. */
public abstract class EngineTest {
    protected DockerHost docker;
    protected final Sidecar sidecar = new Sidecar();

    @BeforeEach
    void engine() {
        docker = DockerHost.require();
    }

    @AfterEach
    void cleanUp() {
        sidecar.close(); // before the containers go, so that its reverts find them
        docker.close();
    }

    protected static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
