package dev.faultline.common.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code Transfer-Encoding: chunked}, decoded as the bytes come: a size line in hex (an extension after ';' ignored),
 * that many bytes, CRLF; a size of 0 ends the body. Input may be torn anywhere, size lines included.
 */
public final class ChunkedDecoder {
    private final OutputStream out;
    private final ByteArrayOutputStream sizeLine = new ByteArrayOutputStream();
    /** Bytes of the current chunk still to come; -1 while a size line is read, -2 while the CRLF after data is. */
    private long left = -1;

    private boolean done;

    /** The body's bytes go to {@code out}. */
    public ChunkedDecoder(OutputStream out) {
        this.out = out;
    }

    /** A whole chunked body (one that was cut short gives what it carried). */
    public static byte[] decode(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ChunkedDecoder(out).feed(body, 0, body.length);
        return out.toByteArray();
    }

    /** Whether the last (empty) chunk has come. */
    public boolean done() {
        return done;
    }

    public void feed(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        try {
            while (i < end && !done) {
                if (left > 0) {
                    int take = (int) Math.min(left, end - i);
                    out.write(b, i, take);
                    i += take;
                    left -= take;
                    if (left == 0) left = -2;
                } else if (left == -2) {
                    if (b[i++] == '\n') left = -1; // the CRLF that ends a chunk
                } else if (b[i] == '\n') {
                    i++;
                    size();
                } else {
                    sizeLine.write(b[i++]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void size() {
        String line = sizeLine.toString(StandardCharsets.US_ASCII);
        sizeLine.reset();
        int semi = line.indexOf(';');
        String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
        if (hex.isEmpty()) return; // a stray blank line between chunks
        try {
            left = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("a chunked body with a bad chunk size: '" + hex + "'");
        }
        if (left < 0) throw new IllegalStateException("a chunked body with a negative chunk size");
        if (left == 0) done = true;
    }
}
