package dev.faultline.cli.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.cli.command.FaultlineCli;
import dev.faultline.cli.fleet.Target;
import dev.faultline.common.engine.EngineAnswer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which published port of a labelled container is its JMX port, and what is refused (the engine's list as given). */
class DockerTargetsTest {
    static DockerEngine.Port tcp(String ip, int inside, int outside) {
        return new DockerEngine.Port(ip, inside, outside, "tcp");
    }

    static DockerEngine.Container container(String name, Map<String, String> labels, DockerEngine.Port... ports) {
        return new DockerEngine.Container(name, labels, List.of(ports));
    }

    static final List<String> APP = List.of("app=hello");

    @Test
    void theLabelNamesTheJmxPortAmongSeveral() {
        DockerEngine.Container c = container(
                "a",
                Map.of("dev.faultline.jmx.port", "9010"),
                tcp("127.0.0.1", 8080, 32768),
                tcp("127.0.0.1", 9010, 41000));
        assertEquals(
                new Target("127.0.0.1", 41000, Target.Kind.AGENT, "a"), DockerTargets.target(c, Target.Kind.AGENT));
    }

    @Test
    void withoutTheLabelTheOnlyPublishedTcpPortOnLoopbackPreferringIpv4() {
        DockerEngine.Container c = container(
                "b",
                Map.of(),
                tcp("::", 9010, 41001),
                tcp("0.0.0.0", 9010, 41001),
                new DockerEngine.Port("", 53, 0, "udp"),
                new DockerEngine.Port("", 7000, 0, "tcp")); // exposed, not published
        assertEquals(
                new Target("127.0.0.1", 41001, Target.Kind.SIDECAR, "b"), DockerTargets.target(c, Target.Kind.SIDECAR));
        DockerEngine.Container bound = container("c", Map.of(), tcp("10.0.0.5", 9010, 9010));
        assertEquals("10.0.0.5", DockerTargets.target(bound, Target.Kind.AGENT).host());
    }

    @Test
    void aContainerWhosePortCannotBeToldIsNamedAndNothingIsReturned() {
        DockerEngine.Container ok = container("ok", Map.of(), tcp("127.0.0.1", 9010, 41002));
        DockerEngine.Container two =
                container("two", Map.of(), tcp("127.0.0.1", 8080, 32768), tcp("127.0.0.1", 9010, 41003));
        DockerTargets.Refused r = assertThrows(
                DockerTargets.Refused.class,
                () -> DockerTargets.targets("--docker-label", APP, List.of(ok, two), Target.Kind.AGENT));
        assertTrue(
                r.getMessage()
                        .startsWith(
                                "container two publishes 2 TCP ports (8080->32768, 9010->41003): label it dev.faultline.jmx.port="),
                r.getMessage());
        assertTrue(r.getMessage().endsWith("nothing was called"), r.getMessage());

        assertEquals(
                "container n publishes no TCP port: publish its agent's JMX port",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> DockerTargets.target(container("n", Map.of()), Target.Kind.AGENT))
                        .getMessage());
        assertEquals(
                "container w: label dev.faultline.jmx.port=9999 names a port it does not publish (published: 9010->41004)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> DockerTargets.target(
                                        container(
                                                "w",
                                                Map.of("dev.faultline.jmx.port", "9999"),
                                                tcp("127.0.0.1", 9010, 41004)),
                                        Target.Kind.AGENT))
                        .getMessage());
        assertEquals(
                "container x: label dev.faultline.jmx.port=\"jmx\" is not a port number",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> DockerTargets.target(
                                        container(
                                                "x",
                                                Map.of("dev.faultline.jmx.port", "jmx"),
                                                tcp("127.0.0.1", 9010, 41005)),
                                        Target.Kind.AGENT))
                        .getMessage());
    }

    @Test
    void noMatchIsRefused() {
        DockerTargets.Refused r = assertThrows(
                DockerTargets.Refused.class,
                () -> DockerTargets.targets(
                        "--docker-label", List.of("app=hello", "tier=web"), List.of(), Target.Kind.AGENT));
        assertEquals(
                "--docker-label app=hello tier=web: no running container carries all of these labels; nothing was called",
                r.getMessage());
    }

    @Test
    void labelsAreKeyEqualsValueAndATargetMustBeNamed() {
        assertNull(DockerTargets.refusalOfLabels("--docker-label", List.of("app=hello", "empty=")));
        assertEquals(
                "--docker-label app: give KEY=VALUE, e.g. app=hello",
                DockerTargets.refusalOfLabels("--docker-label", List.of("app")));
        assertEquals(
                "--docker-label app: give KEY=VALUE, e.g. app=hello",
                FaultlineCli.refusalOfArguments(List.of("agent", "clear", "--docker-label", "app")));
        assertTrue(FaultlineCli.refusalOfArguments(List.of("agent", "clear"))
                .contains("--jmx HOST:PORT or --docker-label KEY=VALUE"));
        assertTrue(FaultlineCli.refusalOfArguments(List.of("halt-all", "--password-file", "f"))
                .contains("name at least one target"));
        assertNull(FaultlineCli.refusalOfArguments(List.of("halt-all", "--docker-label", "app=hello")));
        assertNull(FaultlineCli.refusalOfArguments(List.of("sidecar", "stop-all", "--docker-label", "role=sidecar")));
    }

    @Test
    void theEnginesAnswer() throws IOException {
        assertEquals("[]", DockerEngine.body(answer("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[]")));
        assertEquals(
                "[1]",
                DockerEngine.body(
                        answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1]\r\n0\r\n\r\n")));
        IOException e = assertThrows(
                IOException.class,
                () -> DockerEngine.body(answer("HTTP/1.0 400 Bad Request\r\n\r\n{\"message\":\"invalid filter\"}")));
        assertEquals("the Docker engine answered 400 Bad Request: {\"message\":\"invalid filter\"}", e.getMessage());
        assertEquals(
                "DOCKER_HOST=tcp://10.0.0.1:2375: --docker-label reaches the engine over a unix socket only (unix:///path)",
                assertThrows(IllegalArgumentException.class, () -> DockerEngine.fromEnvironment("tcp://10.0.0.1:2375"))
                        .getMessage());
        assertEquals(
                "unix:///var/run/docker.sock",
                DockerEngine.fromEnvironment(null).socket());
        assertEquals(
                "not an HTTP answer from the Docker engine",
                assertThrows(IOException.class, () -> DockerEngine.body(answer("SSH-2.0\r\n")))
                        .getMessage());
    }

    static EngineAnswer answer(String raw) {
        return EngineAnswer.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
    }
}
