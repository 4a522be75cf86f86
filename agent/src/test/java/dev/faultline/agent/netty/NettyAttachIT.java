package dev.faultline.agent.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.Answer;
import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.agent.method.Operator;
import io.grpc.Server;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #22: a service that built its gRPC channel (grpc-netty-shaded on epoll, its default) before any agent was
 * there; then {@code java -jar faultline-agent.jar attach}: faults reach that existing channel and its connection.
 */
class NettyAttachIT {
    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void faultsReachAChannelBuiltBeforeTheAgentWasAttached(Jdks.Jdk jdk) throws Exception {
        Server server = GrpcPeer.serve("default"); // here, in the test JVM: no agent
        int port = server.getPort();
        try (ForkedService svc = ForkedService.builder(jdk)
                .withoutAgent()
                .jvmArg("-XX:+EnableDynamicAgentLoading")
                .main(NettyProbeApp.class.getName())
                .start()) {
            Answer transport = new Answer(svc.send("grpc-transport 127.0.0.1 " + port));
            assertTrue(transport.ok() && transport.detail().equals("epoll+1 nio+0"), "gRPC's default: " + transport);
            assertTrue(new Answer(svc.send("grpc-open existing 127.0.0.1 " + port)).ok());
            Answer before = new Answer(svc.send("grpc-on existing 5000"));
            assertTrue(before.ok(), "the channel is connected before the attach: " + before);

            int jmxPort = ForkedService.freePort();
            Process attach = new ProcessBuilder(
                            jdk.java(),
                            "-jar",
                            ForkedService.AGENT_JAR,
                            "attach",
                            String.valueOf(svc.process().pid()),
                            "jmx.port=" + jmxPort + ",jmx.auth.dir=" + ForkedService.CREDENTIALS_DIR)
                    .redirectErrorStream(true)
                    .start();
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "the attach finished");
            String out = new String(attach.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, attach.exitValue(), out);

            try (Operator op = Operator.connect(jmxPort)) {
                String id = op.add("latency on=read port=" + port + " delay=500ms");
                Answer slow = new Answer(svc.send("grpc-on existing 5000"));
                assertTrue(slow.ok() && slow.tookAtLeast(500), "latency on the channel built before: " + slow);
                assertTrue(
                        Arrays.stream(op.list()).anyMatch(l -> l.startsWith(id + " ") && !l.contains("injected=0 ")),
                        "counted: " + Arrays.toString(op.list()));
                assertEquals(1, op.clear());
                Answer fast = new Answer(svc.send("grpc-on existing 5000"));
                assertTrue(fast.ok() && fast.millis() < 500, "after clear(): " + fast);

                op.add("error on=write port=" + port);
                Answer failed = new Answer(svc.send("grpc-on existing 5000"));
                assertTrue(
                        failed.failed() && failed.line().contains("UNAVAILABLE"),
                        "error on the existing connection: " + failed);
                assertEquals(1, op.clear());
                Answer back = new Answer(svc.send("grpc-on existing 10000 ready"));
                assertTrue(back.ok(), "the channel reconnects after clear(): " + back);
            }
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
