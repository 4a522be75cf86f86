package dev.faultline.sidecar.runtime.docker;

import dev.faultline.sidecar.targets.ContainerTarget;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Engine API's framing and JSON as the engine sends them (the calls themselves: ContainerVerbsIT, DaemonIT). */
class EngineApiTest {
    @Test
    void listsIdNameStateAndLabels() {
        String json = "[{\"Id\":\"abc123\",\"Names\":[\"/web-1\"],\"State\":\"running\",\"Labels\":{\"app\":\"w\\u00e9b\",\"tier\":\"a\\\"b\"},"
                + "\"Ports\":[{\"PrivatePort\":80,\"Type\":\"tcp\"}],\"SizeRw\":-1.5e3,\"HostConfig\":{\"NetworkMode\":\"default\"}},"
                + "{\"Id\":\"def\",\"Names\":null,\"State\":\"exited\",\"Labels\":null}]";
        List<ContainerTarget> l = EngineContainers.parseList(json);
        assertEquals(new ContainerTarget("abc123", "web-1", "running", Map.of("app", "wéb", "tier", "a\"b")), l.get(0));
        assertEquals(new ContainerTarget("def", "def", "exited", Map.of()), l.get(1));
    }

    @Test
    void refusesWhatIsNotJson() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JsonValue.parse("[{\"Id\":\"x\"}"));
        assertTrue(e.getMessage().startsWith("the engine's answer is not JSON"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> JsonValue.parse("{} x"));
    }

    @Test
    void readsPlainAndChunkedBodies() {
        EngineApi.Answer plain = EngineApi.parse("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n{\"m\":\"x\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(404, plain.status());
        assertEquals("{\"m\":\"x\"}", plain.body());
        assertEquals("Status 404: {\"m\":\"x\"}", plain.failure().getMessage());
        EngineApi.Answer chunked = EngineApi.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1,\r\na;ext\r\n2]        \r\n0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("[1,2]        ", chunked.body());
    }

    @Test
    void cutsTheEventStreamIntoLinesAcrossChunksAndReads() {
        List<String> lines = new ArrayList<>();
        EngineApi.ChunkedLines c = new EngineApi.ChunkedLines(lines::add);
        byte[] all = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6\r\n{\"a\":1\r\n" + "4\r\n}\n{\"\r\n" + "9\r\nb\":\"é\"}\n\r\n").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < all.length; i += 5) { // torn at every fifth byte, headers and sizes included
            byte[] part = java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + 5));
            c.feed(part, part.length);
        }
        assertEquals(200, c.status());
        assertEquals(List.of("{\"a\":1}", "{\"b\":\"é\"}"), lines);
    }

    @Test
    void readsWhichContainerAnEventChangedAndInspectAsATarget() {
        assertEquals(new EngineContainers.Event("abc", "die", "w"), EngineContainers.event(
                "{\"status\":\"die\",\"id\":\"abc\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"name\":\"w\"}}}"));
        assertEquals(null, EngineContainers.event("{\"Type\":\"container\",\"Action\":\"exec_start: sh\",\"Actor\":{\"ID\":\"abc\"}}"));
        assertEquals(null, EngineContainers.event("{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"n\"}}"));
        assertEquals(new ContainerTarget("abc", "web", "paused", Map.of("k", "v")), EngineContainers.parseInspect(
                "{\"Id\":\"abc\",\"Name\":\"/web\",\"State\":{\"Status\":\"paused\",\"Running\":true,\"Pid\":42},\"Config\":{\"Labels\":{\"k\":\"v\"}}}"));
    }

    @Test
    void quotedStringsReadBackAsGiven() {
        for (String text : List.of("", "plain", "a\"b", "back\\slash", "line\nbreak", "tab\tand\u0001", "exec 3<&0 </dev/null; [ \"$#\" -le 1 ]", "wéb")) {
            assertEquals(text, JsonValue.parse(JsonValue.quote(text)), "round trip of " + text);
        }
    }

    @Test
    void attachFramesGiveTheirPayloadsInOrderWhereverTheReadsSplitThem() throws Exception {
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        frame(raw, 1, "hello ");
        frame(raw, 2, "");
        frame(raw, 2, "err\n");
        frame(raw, 1, "x".repeat(20_000));
        byte[] all = raw.toByteArray();
        for (int chunk : new int[]{1, 3, 8, 9, 4096, all.length}) {
            java.io.InputStream trickle = new java.io.InputStream() { // at most `chunk` bytes per read, as a socket may give them
                int i;
                public int read() {
                    return i < all.length ? all[i++] & 0xff : -1;
                }

                public int read(byte[] b, int off, int len) {
                    if (i >= all.length) return -1;
                    int n = Math.min(Math.min(len, chunk), all.length - i);
                    System.arraycopy(all, i, b, off, n);
                    i += n;
                    return n;
                }
            };
            assertEquals("hello err\n" + "x".repeat(20_000), new String(new AttachStream.Frames(trickle).readAllBytes(), StandardCharsets.UTF_8), "reads of " + chunk);
        }
    }

    @Test
    void anAttachStreamThatIsNotFramedOrEndsInsideAFrameIsRefused() {
        java.io.IOException tty = assertThrows(java.io.IOException.class,
                () -> new AttachStream.Frames(new java.io.ByteArrayInputStream("hello, a TTY\n".getBytes(StandardCharsets.UTF_8))).readAllBytes());
        assertTrue(tty.getMessage().contains("not a multiplexed attach stream"), tty.getMessage());
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        frame(raw, 1, "cut short");
        byte[] cut = java.util.Arrays.copyOf(raw.toByteArray(), 12);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> new AttachStream.Frames(new java.io.ByteArrayInputStream(cut)).readAllBytes());
        assertTrue(e.getMessage().contains("ended inside a frame"), e.getMessage());
    }

    private static void frame(java.io.ByteArrayOutputStream out, int stream, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(new byte[]{(byte) stream, 0, 0, 0, (byte) (p.length >>> 24), (byte) (p.length >>> 16), (byte) (p.length >>> 8), (byte) p.length});
        out.writeBytes(p);
    }
}
