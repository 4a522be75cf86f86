package dev.faultline.cli.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A service whose {@code /health} connects to its downstream (a socket in the same JVM) and answers 200, or 503
 * when that connect fails: an agent's {@code error on=connect port=<downstream>} breaks its steady state.
 * Prints {@code READY <http port> <downstream port>}.
 */
public final class ProbedService {
    private ProbedService() {}

    public static void main(String[] args) throws Exception {
        ServerSocket downstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (true) {
                try {
                    downstream.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/health", ex -> {
            int code;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", downstream.getLocalPort()), 1000);
                code = 200;
            } catch (IOException e) {
                code = 503;
            }
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        http.start();
        System.out.println("READY " + http.getAddress().getPort() + " " + downstream.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes our stdin
        }
        System.exit(0);
    }
}
