package dev.faultline.bench.protocol;

import com.sun.net.httpserver.HttpServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Whole process: an HTTP server answering {@code hello} on every path, for wrk (and as the peer of
 * {@link HttpClientLoop}): the JDK's {@code HttpServer} (2 worker threads, TCP_NODELAY, as {@code HelloService}) or an
 * embedded Tomcat 11 with one servlet, the two kinds of server the agent's {@code on=http-server} hooks reach
 * without Netty. Usage: {@code HelloHttpServer jdk|tomcat <port>} (0: any free port); prints {@code READY <port> server=<kind>} once
 * bound.
 */
public final class HelloHttpServer {
    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.US_ASCII);

    private HelloHttpServer() {}

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        int bound = switch (kind) {
            case "jdk" -> jdk(port);
            case "tomcat" -> tomcat(port);
            default -> throw new IllegalArgumentException("server kind '" + kind + "': expected jdk or tomcat");
        };
        System.out.println("READY " + bound + " server=" + kind);
    }

    private static int jdk(int port) throws IOException {
        // the JDK server writes headers and body apart: without TCP_NODELAY, Nagle and delayed ACKs cap each connection
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, HELLO.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(HELLO);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return server.getAddress().getPort();
    }

    private static int tomcat(int port) throws Exception {
        Tomcat tomcat = new Tomcat();
        Path baseDir = Files.createTempDirectory("faultline-bench-tomcat");
        tomcat.setBaseDir(baseDir.toString());
        // run.sh ends this JVM with SIGTERM: the temporary directory goes in a shutdown hook
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(baseDir)));
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        // Tomcat closes a connection after 100 requests by default: wrk would measure reconnects, not the request path
        connector.setProperty("maxKeepAliveRequests", "-1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "hello", new Hello());
        context.addServletMappingDecoded("/*", "hello");
        tomcat.start();
        return connector.getLocalPort();
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The servlet: {@code hello} with its length, as the JDK server's handler answers. */
    private static final class Hello extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.setContentLength(HELLO.length);
            resp.getOutputStream().write(HELLO);
        }
    }
}
