package dev.faultline.common.jmx;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.rmi.server.RMIServerSocketFactory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connector's listening side on a unix-domain socket file (mode 0600), whatever port RMI asks for: RMI's
 * transport sees a {@link ServerSocket}. Closing it (RMI does once the connector is stopped) removes the file and
 * closes the connections it accepted: a client keeps its idle connections open for reuse, and RMI's thread for each
 * would otherwise stay in the service until that client lets go. Equal by path (RMI keys its endpoints by factory).
 */
final class UnixServerSockets implements RMIServerSocketFactory {
    private final Path path;
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();

    UnixServerSockets(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new ServerSocket() {
            @Override
            public Socket accept() throws IOException {
                Socket s = new ChannelSocket(channel.accept());
                accepted.removeIf(Socket::isClosed);
                accepted.add(s);
                if (!channel.isOpen()) closeAccepted(); // closed meanwhile
                return s;
            }

            @Override
            public void close() throws IOException {
                channel.close();
                try {
                    Files.deleteIfExists(path);
                } finally {
                    closeAccepted();
                }
            }

            @Override
            public int getLocalPort() {
                return port;
            }

            @Override
            public boolean isBound() {
                return true;
            }

            @Override
            public boolean isClosed() {
                return !channel.isOpen();
            }
        };
    }

    private void closeAccepted() {
        for (Socket s : List.copyOf(accepted)) {
            accepted.remove(s);
            try {
                s.close();
            } catch (IOException ignored) {
                // closed by its other side meanwhile
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixServerSockets u && u.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return "unix:" + path;
    }
}
