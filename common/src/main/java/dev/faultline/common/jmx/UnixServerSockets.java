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

/**
 * The connector's listening side on a unix-domain socket file (mode 0600), whatever port RMI asks for: RMI's
 * transport sees a {@link ServerSocket}. Closing it removes the file.
 */
record UnixServerSockets(Path path) implements RMIServerSocketFactory {
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
                return new ChannelSocket(channel.accept());
            }

            @Override
            public void close() throws IOException {
                channel.close();
                Files.deleteIfExists(path);
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
}
