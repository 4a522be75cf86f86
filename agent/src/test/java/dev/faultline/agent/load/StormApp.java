package dev.faultline.agent.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * A service under load, started with the built agent jar: a loopback echo server and client threads that hammer
 * it without pause (connect, ten 64-byte echoes, close; on any error straight to the next try, as a retry storm
 * does). Commands on stdin: {@code load THREADS} starts the clients, {@code stats} answers
 * {@code OK ok=<echoes> failed=<failed tries>}.
 */
public final class StormApp {
    private static final LongAdder OK = new LongAdder();
    private static final LongAdder FAILED = new LongAdder();

    public static void main(String[] args) throws Exception {
        ServerSocket echo = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> serve(echo), "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("READY port=" + echo.getLocalPort());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split(" ");
            switch (w[0]) {
                case "load" -> {
                    for (int i = 0; i < Integer.parseInt(w[1]); i++) {
                        Thread t = new Thread(() -> hammer(echo.getLocalPort()), "storm-client-" + i);
                        t.setDaemon(true);
                        t.start();
                    }
                    System.out.println("OK");
                }
                case "stats" -> System.out.println("OK ok=" + OK.sum() + " failed=" + FAILED.sum());
                default -> System.out.println("ERR unknown command " + w[0]);
            }
        }
    }

    private static void hammer(int port) {
        byte[] buf = new byte[64];
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int i = 0; i < 10; i++) {
                    out.write(buf);
                    for (int n = 0; n < buf.length; ) {
                        int r = in.read(buf, n, buf.length - n);
                        if (r < 0) throw new IOException("echo closed");
                        n += r;
                    }
                    OK.increment();
                }
            } catch (IOException e) {
                FAILED.increment();
            }
        }
    }

    private static void serve(ServerSocket echo) {
        while (true) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(
                        () -> {
                            try (s;
                                    InputStream in = s.getInputStream();
                                    OutputStream out = s.getOutputStream()) {
                                byte[] b = new byte[64];
                                for (int n; (n = in.read(b)) > 0; ) out.write(b, 0, n);
                            } catch (IOException ignored) {
                                // a faulted connection
                            }
                        },
                        "echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }
}
