package dev.faultline.sidecar.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.targets.ContainerTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Engine API's JSON as the sidecar reads it, and which client an endpoint gets (the framing: common's
 * EngineAnswerTest, ChunkedDecoderTest, AttachStreamTest; the calls themselves: ContainerVerbsIT, DaemonIT, TlsEngineIT).
 */
class EngineContainersTest {
    @Test
    void listsIdNameStateAndLabels() {
        String json =
                "[{\"Id\":\"abc123\",\"Names\":[\"/web-1\"],\"State\":\"running\",\"Labels\":{\"app\":\"w\\u00e9b\",\"tier\":\"a\\\"b\"},"
                        + "\"Ports\":[{\"PrivatePort\":80,\"Type\":\"tcp\"}],\"SizeRw\":-1.5e3,\"HostConfig\":{\"NetworkMode\":\"default\"}},"
                        + "{\"Id\":\"def\",\"Names\":null,\"State\":\"exited\",\"Labels\":null}]";
        List<ContainerTarget> l = EngineContainers.parseList(json);
        assertEquals(new ContainerTarget("abc123", "web-1", "running", Map.of("app", "wéb", "tier", "a\"b")), l.get(0));
        assertEquals(new ContainerTarget("def", "def", "exited", Map.of()), l.get(1));
    }

    @Test
    void refusesWhatIsNotJson() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> EngineContainers.parseList("[{\"Id\":\"x\"}"));
        assertTrue(e.getMessage().startsWith("the engine's answer is not JSON"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> EngineContainers.event("{} x"));
    }

    @Test
    void readsWhichContainerAnEventChangedAndInspectAsATarget() {
        assertEquals(
                new EngineContainers.Event("abc", "die", "w"),
                EngineContainers.event(
                        "{\"status\":\"die\",\"id\":\"abc\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"name\":\"w\"}}}"));
        assertEquals(
                null,
                EngineContainers.event(
                        "{\"Type\":\"container\",\"Action\":\"exec_start: sh\",\"Actor\":{\"ID\":\"abc\"}}"));
        assertEquals(
                null, EngineContainers.event("{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"n\"}}"));
        assertEquals(null, EngineContainers.event("{\"Type\":\"container\",\"Action\":\"die\"}"));
        assertEquals(
                new EngineContainers.Event("abc", "rename", "new"),
                EngineContainers.event("container", "rename", "abc", "new"));
        assertEquals(
                new ContainerTarget("abc", "web", "paused", Map.of("k", "v")),
                EngineContainers.parseInspect(
                        "{\"Id\":\"abc\",\"Name\":\"/web\",\"State\":{\"Status\":\"paused\",\"Running\":true,\"Pid\":42},\"Config\":{\"Labels\":{\"k\":\"v\"}}}"));
    }

    @Test
    void theSocketClientServesUnixAndPlainTcpEnginesDockerJavaOnlyTlsOnes() {
        assertInstanceOf(SocketEngineCalls.class, EngineCalls.forHost("unix:///var/run/docker.sock"));
        assertEquals(
                "unix:///var/run/docker.sock",
                EngineCalls.forHost("unix:///var/run/docker.sock").endpoint());
        for (String yes : List.of("1", "true", "TRUE ")) assertTrue(EngineCalls.tls(yes), yes);
        for (String no : new String[] {null, "", "0", "false", "yes"}) assertFalse(EngineCalls.tls(no), no);
    }
}
