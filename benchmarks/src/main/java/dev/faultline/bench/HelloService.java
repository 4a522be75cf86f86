package dev.faultline.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The service for whole-process load (wrk) and start-up (hyperfine): JDK HttpServer answering "hello". */
public final class HelloService {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--exit")) { // start-up measurement: start, answer nothing, exit
            System.out.println("hello");
            return;
        }
        int port = Integer.parseInt(args[0]);
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
        System.out.println("READY " + port);
    }
}
