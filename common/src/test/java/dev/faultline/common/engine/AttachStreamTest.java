package dev.faultline.common.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The attach stream's frames, as the engine multiplexes stdout and stderr (the stream itself: HelperContainerIT). */
class AttachStreamTest {
    @Test
    void attachFramesGiveTheirPayloadsInOrderWhereverTheReadsSplitThem() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        frame(raw, 1, "hello ");
        frame(raw, 2, "");
        frame(raw, 2, "err\n");
        frame(raw, 1, "x".repeat(20_000));
        byte[] all = raw.toByteArray();
        for (int chunk : new int[] {1, 3, 8, 9, 4096, all.length}) {
            InputStream trickle = new InputStream() { // at most `chunk` bytes per read, as a socket may give them
                        int i;

                        @Override
                        public int read() {
                            return i < all.length ? all[i++] & 0xff : -1;
                        }

                        @Override
                        public int read(byte[] b, int off, int len) {
                            if (i >= all.length) return -1;
                            int n = Math.min(Math.min(len, chunk), all.length - i);
                            System.arraycopy(all, i, b, off, n);
                            i += n;
                            return n;
                        }
                    };
            assertEquals(
                    "hello err\n" + "x".repeat(20_000),
                    new String(new AttachStream.Frames(trickle).readAllBytes(), StandardCharsets.UTF_8),
                    "reads of " + chunk);
        }
    }

    @Test
    void anAttachStreamThatIsNotFramedOrEndsInsideAFrameIsRefused() {
        IOException tty = assertThrows(
                IOException.class,
                () -> new AttachStream.Frames(
                                new ByteArrayInputStream("hello, a TTY\n".getBytes(StandardCharsets.UTF_8)))
                        .readAllBytes());
        assertTrue(tty.getMessage().contains("not a multiplexed attach stream"), tty.getMessage());
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        frame(raw, 1, "cut short");
        byte[] cut = Arrays.copyOf(raw.toByteArray(), 12);
        IOException e = assertThrows(
                IOException.class, () -> new AttachStream.Frames(new ByteArrayInputStream(cut)).readAllBytes());
        assertTrue(e.getMessage().contains("ended inside a frame"), e.getMessage());
    }

    private static void frame(ByteArrayOutputStream out, int stream, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(new byte[] {
            (byte) stream,
            0,
            0,
            0,
            (byte) (p.length >>> 24),
            (byte) (p.length >>> 16),
            (byte) (p.length >>> 8),
            (byte) p.length
        });
        out.writeBytes(p);
    }
}
