package dev.faultline.sidecar.runtime;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.runtime.cri.CriRuntime;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every CRI test starts from: the private containerd's node ({@link CriNode}: skipped with the reason when there
 * is none, a failure under CI), a CRI client to it and the built sidecar; all closed after each test, the node's
 * close asserting that no sandbox, netns, cgroup or log dir is left. Needs root and {@code .ci/containerd.sh start}.
 */
abstract class CriTest {
    CriNode node;
    CriRuntime cri;
    Sidecar sidecar;

    @BeforeEach
    void connect() {
        node = CriNode.require();
        cri = CriRuntime.connect(CriNode.ENDPOINT, Duration.ofSeconds(5));
        sidecar = new Sidecar();
    }

    @AfterEach
    void cleanUp() {
        if (sidecar != null) sidecar.close();
        if (cri != null) cri.close();
        if (node != null) node.close();
    }
}
