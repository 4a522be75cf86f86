package dev.faultline.agent.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Assumptions;

/** Real servers on loopback, run in the test JVM (which has no agent). */
public final class TestServers {
    private TestServers() {}

    /** A JDK HttpServer: {@code /} answers "hello", {@code /big} answers 256 KiB. */
    public static HttpServer http() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        byte[] big = new byte[256 * 1024];
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestURI().getPath().equals("/big") ? big : "hello".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        return server;
    }

    public static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A server the tests need is absent: skip with the reason, except under CI where it is a failure. */
    public static void require(String what, String host, int port) {
        if (reachable(host, port)) return;
        String why = what + " is not reachable on " + host + ":" + port + " (.ci/services.sh starts it)";
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
        System.out.println("[faultline-it] SKIPPED: " + why);
        Assumptions.abort(why);
    }
}
