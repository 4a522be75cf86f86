package dev.faultline.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The service for whole-process load (wrk) and start-up to its first answered request (hyperfine): JDK HttpServer answering "hello". */
public final class HelloService {
    public static void main(String[] args) throws Exception {
        // the JDK server writes headers and body apart: without TCP_NODELAY, Nagle and delayed ACKs cap it at ~25 req/s
        // per connection
        System.setProperty("sun.net.httpserver.nodelay", "true");
        boolean startupOnly = args[0].equals("--first-request");
        int port = startupOnly ? 0 : Integer.parseInt(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        byte[] body = "hello\n".getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        if (startupOnly) { // start-up measurement: start, answer one real request over loopback, exit
            URL url = new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            try (InputStream in = url.openStream()) {
                System.out.print(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            server.stop(0);
            System.exit(0);
        }
        System.out.println("READY " + port);
    }
}
