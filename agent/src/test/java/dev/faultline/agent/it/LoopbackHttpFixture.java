package dev.faultline.agent.it;

import com.sun.net.httpserver.HttpServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A JDK HttpServer on loopback in the test JVM (no agent there), shared by a test class, on both JDKs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LoopbackHttpFixture {
    HttpServer server;
    int port;

    @BeforeAll
    void startServer() throws Exception {
        server = TestServers.http();
        port = server.getAddress().getPort();
    }

    @AfterAll
    void stopServer() {
        server.stop(0);
    }

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
