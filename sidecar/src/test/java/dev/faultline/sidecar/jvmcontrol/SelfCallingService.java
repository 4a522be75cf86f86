package dev.faultline.sidecar.jvmcontrol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The JVM service of the jvm verbs' ITs, in a shell-less container: it listens on 127.0.0.1:PORT and opens a new
 * connection to itself every 20 ms, timing each one itself. It prints {@code EVENT <state> <ms>} whenever the outcome
 * changes: {@code ok}, {@code slow} (a connect of 250 ms or more) or {@code error:<exception>}: what the service
 * saw, not what the agent says it did.
 */
public final class SelfCallingService {
    private SelfCallingService() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", port));
        Thread accept = new Thread(() -> {
            while (true) {
                try {
                    server.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        System.out.println("service up: java " + System.getProperty("java.version"));
        System.out.flush();
        String last = "";
        while (true) {
            long t0 = System.nanoTime();
            String state;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                state = ms >= 250 ? "slow" : "ok";
            } catch (IOException e) {
                state = "error:" + e.getClass().getSimpleName();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (!state.equals(last)) {
                System.out.println("EVENT " + state + " " + ms);
                System.out.flush();
                last = state;
            }
            Thread.sleep(20);
        }
    }
}
