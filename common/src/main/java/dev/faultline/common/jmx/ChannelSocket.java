package dev.faultline.common.jmx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Socket} face on a unix-domain {@link SocketChannel}: RMI's transport wants {@code Socket}s, and the JDK
 * has unix-domain sockets only as channels. Reads and writes do not share a lock (RMI reads a reply while another
 * thread may write); the TCP options RMI sets mean nothing here and are ignored. The channel is non-blocking, each
 * direction waiting on its own selector, so {@link #setSoTimeout} bounds a read as it does on TCP; a client socket
 * also has a floor, {@code maxWaitMillis}, for the waits RMI leaves unbounded (its response timeout is 0 by default),
 * so a target that is paused or never answers cannot hold the caller for good.
 */
final class ChannelSocket extends Socket {
    private final SocketChannel channel;
    private final int maxWaitMillis;
    private final Selector readable;
    private final Selector writable;
    private volatile int soTimeout;

    /** A socket whose waits are bounded only by what RMI sets (the server's side). */
    ChannelSocket(SocketChannel channel) throws IOException {
        this(channel, 0);
    }

    /** {@code maxWaitMillis} > 0: no read or write waits longer, whatever RMI sets. */
    ChannelSocket(SocketChannel channel, int maxWaitMillis) throws IOException {
        this.channel = channel;
        this.maxWaitMillis = maxWaitMillis;
        Selector r = null;
        Selector w = null;
        try {
            channel.configureBlocking(false);
            r = Selector.open();
            w = Selector.open();
            channel.register(r, SelectionKey.OP_READ);
            channel.register(w, SelectionKey.OP_WRITE);
        } catch (IOException | RuntimeException e) {
            if (r != null) r.close();
            if (w != null) w.close();
            channel.close();
            throw e;
        }
        this.readable = r;
        this.writable = w;
    }

    /** The wait in milliseconds, 0 for none: the smaller of RMI's timeout and the floor, where either is set. */
    int waitMillis() {
        int t = soTimeout;
        if (maxWaitMillis <= 0) return t;
        return t <= 0 ? maxWaitMillis : Math.min(t, maxWaitMillis);
    }

    private void await(Selector selector, long deadlineNanos, String what) throws IOException {
        synchronized (selector) {
            long left = deadlineNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (deadlineNanos != 0 && left <= 0) {
                throw new SocketTimeoutException("no " + what + " on the unix socket within " + waitMillis() + " ms");
            }
            selector.select(left);
            selector.selectedKeys().clear();
        }
    }

    private long deadline() {
        int wait = waitMillis();
        return wait <= 0 ? 0 : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
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
                if (len == 0) return 0;
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                long deadline = deadline();
                while (true) {
                    int n = channel.read(buffer);
                    if (n != 0) return n;
                    await(readable, deadline, "reply");
                }
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
                long deadline = deadline();
                while (true) {
                    channel.write(buffer);
                    if (!buffer.hasRemaining()) return;
                    await(writable, deadline, "room to write");
                }
            }
        };
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            readable.close();
            writable.close();
        }
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
    public void setSoTimeout(int timeout) {
        if (timeout < 0) throw new IllegalArgumentException("timeout < 0: " + timeout);
        soTimeout = timeout;
    }

    @Override
    public int getSoTimeout() {
        return soTimeout;
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
