package dev.faultline.common.jmx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A {@link Socket} face on a unix-domain {@link SocketChannel}: RMI's transport wants {@code Socket}s, and the JDK
 * has unix-domain sockets only as channels. Reads and writes do not share a lock (RMI reads a reply while another
 * thread may write); the TCP options RMI sets mean nothing here and are ignored.
 */
final class ChannelSocket extends Socket {
    private final SocketChannel channel;

    ChannelSocket(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public InputStream getInputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                int n = read(b, 0, 1);
                return n < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    @Override
    public OutputStream getOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) channel.write(buffer);
            }
        };
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return !channel.isOpen();
    }

    @Override
    public void setTcpNoDelay(boolean on) {}

    @Override
    public void setKeepAlive(boolean on) {}

    @Override
    public synchronized void setSoTimeout(int timeout) {}

    @Override
    public synchronized int getSoTimeout() {
        return 0;
    }

    @Override
    public void shutdownInput() throws IOException {
        channel.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }
}
