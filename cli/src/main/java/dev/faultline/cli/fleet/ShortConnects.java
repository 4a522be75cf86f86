package dev.faultline.cli.fleet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;

/**
 * RMI's own sockets get a connect timeout (the JDK's default waits for the kernel: minutes to a black-holed host)
 * and a read timeout, so no thread of a {@code halt-all} hangs on a dead target. {@link Fleet} bounds each target
 * as a whole besides.
 */
public final class ShortConnects {
    static volatile int connectMillis = 5_000;

    private ShortConnects() {}

    public static void install() {
        System.setProperty("sun.rmi.transport.tcp.responseTimeout", "30000");
        System.setProperty("sun.rmi.transport.tcp.handshakeTimeout", "5000");
        try {
            RMISocketFactory.setSocketFactory(new RMISocketFactory() {
                @Override
                public Socket createSocket(String host, int port) throws IOException {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(host, port), connectMillis);
                    return s;
                }

                @Override
                public ServerSocket createServerSocket(int port) throws IOException {
                    return new ServerSocket(port);
                }
            });
        } catch (IOException e) {
            // already set (a test in the same JVM): the Fleet's bound still holds
        }
    }
}
