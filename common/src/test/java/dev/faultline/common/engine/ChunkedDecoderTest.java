package dev.faultline.common.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one chunked decoder: whole, torn at every byte, with extensions, trailers and a body cut short. */
class ChunkedDecoderTest {
    static final String BODY =
            "3\r\n[1,\r\na;ext=1\r\n2]        \r\n10\r\n" + "0123456789abcdef" + "\r\n0\r\nTrailer: x\r\n\r\n";

    @Test
    void decodesAWholeBody() {
        assertEquals(
                "[1,2]        0123456789abcdef",
                new String(ChunkedDecoder.decode(bytes(BODY)), StandardCharsets.UTF_8));
    }

    @Test
    void decodesTheSameWhereverTheInputIsTorn() {
        byte[] all = bytes(BODY);
        for (int step = 1; step <= all.length; step++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChunkedDecoder d = new ChunkedDecoder(out);
            for (int i = 0; i < all.length; i += step) d.feed(all, i, Math.min(step, all.length - i));
            assertEquals("[1,2]        0123456789abcdef", out.toString(StandardCharsets.UTF_8), "step " + step);
            assertTrue(d.done(), "step " + step);
        }
    }

    @Test
    void aBodyCutShortGivesWhatItCarriedAndIsNotDone() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChunkedDecoder d = new ChunkedDecoder(out);
        byte[] cut = Arrays.copyOf(bytes(BODY), 19);
        d.feed(cut, 0, cut.length);
        assertEquals("[1,2]", out.toString(StandardCharsets.UTF_8));
        assertFalse(d.done());
    }

    @Test
    void aBadChunkSizeIsNamed() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> ChunkedDecoder.decode(bytes("zz\r\nab\r\n")));
        assertEquals("a chunked body with a bad chunk size: 'zz'", e.getMessage());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
