package dev.faultline.common.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/**
 * One attached container without a TTY ({@link EngineSocket#attach}): what is written goes to its stdin; what is read
 * is its stdout and stderr, taken out of the engine's frames (8 bytes: the stream, three zeros, a big-endian
 * length; then that many bytes). Closing {@link #stdin()} ends the container's stdin, as a detaching client does.
 */
public final class AttachStream implements AutoCloseable {
    private final SocketChannel ch;
    private final OutputStream stdin;
    private final InputStream output;

    AttachStream(SocketChannel ch) {
        this.ch = ch;
        this.stdin = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) ch.write(buf);
            }

            /** The write half only: the output still comes until the container ends. */
            @Override
            public void close() throws IOException {
                if (ch.isOpen()) ch.shutdownOutput();
            }
        };
        this.output = new Frames(Channels.newInputStream(ch));
    }

    public OutputStream stdin() {
        return stdin;
    }

    /** stdout and stderr as one stream, in the order the engine sent them; ends when the container does. */
    public InputStream output() {
        return output;
    }

    /** Until {@link #close} (or a failed read or write, which closes it). */
    public boolean open() {
        return ch.isOpen();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    /** The payloads of the engine's frames, read from the raw stream. */
    static final class Frames extends InputStream {
        private final InputStream raw;
        private int left; // bytes of the current frame not yet read

        Frames(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int n;
            while ((n = read(b, 0, 1)) == 0) {
                // a frame of length 0: read on
            }
            return n < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (left == 0) {
                byte[] head = raw.readNBytes(8);
                if (head.length == 0) return -1;
                if (head.length < 8) throw new IOException("the engine's stream ended inside a frame header");
                if (head[0] > 2 || head[1] != 0 || head[2] != 0 || head[3] != 0) {
                    throw new IOException(
                            "not a multiplexed attach stream (a container with a TTY?): header byte " + head[0]);
                }
                left = (head[4] & 0xff) << 24 | (head[5] & 0xff) << 16 | (head[6] & 0xff) << 8 | head[7] & 0xff;
                if (left < 0) throw new IOException("a frame of more than 2 GiB");
            }
            int n = raw.read(b, off, Math.min(len, left));
            if (n < 0) throw new IOException("the engine's stream ended inside a frame");
            left -= n;
            return n;
        }
    }
}
