package dev.faultline.sidecar.jvm;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hostile user of a target container, run there with {@code docker exec -u <the JVM's uid>}: moves the JVM's
 * socket aside (its own uid may, in a sticky /tmp too), serves its own listener under that name for a while and
 * prints every connection that reaches it with the bytes it was sent, e.g. {@code received 0 bytes: }, for
 * the given milliseconds. With a third argument {@code first} it binds a name nobody serves yet.
 */
public final class SocketSwapper {
    private SocketSwapper() {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        long millis = Long.parseLong(args[1]);
        // "first": the name is free yet, bound before the JVM serves there; else the JVM's socket is moved aside
        if (args.length < 3 || !args[2].equals("first"))
            Files.move(socket, socket.resolveSibling(socket.getFileName() + ".moved"));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        System.out.println("swapped " + socket);
        System.out.flush();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel ch = server.accept();
                    Thread reader = new Thread(() -> read(ch));
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (IOException closed) {
                // the time is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        Thread.sleep(millis);
        System.out.println("done");
        System.out.flush();
        System.exit(0);
    }

    /** Everything the connection brings until the other side closes it, then one line. */
    private static void read(SocketChannel ch) {
        StringBuilder got = new StringBuilder();
        int n = 0;
        ByteBuffer b = ByteBuffer.allocate(8192);
        try (ch) {
            int r;
            while ((r = ch.read(b)) >= 0) {
                n += r;
                got.append(new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1).replace('\0', ' '));
                b.clear();
            }
        } catch (IOException ignored) {
            // reset by the other side
        }
        synchronized (System.out) {
            System.out.println("received " + n + " bytes: " + got);
            System.out.flush();
        }
    }
}
