package dev.faultline.common.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's answers as it frames them: plain, chunked, streamed as lines, and text that is not HTTP. */
class EngineAnswerTest {
    @Test
    void readsPlainAndChunkedBodies() {
        EngineAnswer plain = EngineAnswer.parse(
                bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nApi-Version: 1.41\r\n\r\n{\"m\":\"x\"}"));
        assertEquals(404, plain.status());
        assertFalse(plain.ok());
        assertEquals("{\"m\":\"x\"}", plain.body());
        assertEquals("HTTP/1.1 404 Not Found", plain.statusLine());
        assertEquals("1.41", plain.header("api-version"));
        assertEquals(null, plain.header("Server"));
        EngineAnswer chunked = EngineAnswer.parse(bytes(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1,\r\na;ext\r\n2]        \r\n0\r\n\r\n"));
        assertTrue(chunked.ok());
        assertEquals("[1,2]        ", chunked.body());
        EngineAnswer utf8 = EngineAnswer.parse("HTTP/1.0 200 OK\r\n\r\n[\"wéb\"]".getBytes(StandardCharsets.UTF_8));
        assertEquals("[\"wéb\"]", utf8.body());
    }

    @Test
    void textThatIsNotHttpHasNoStatusButKeepsItsFirstLine() {
        EngineAnswer a = EngineAnswer.parse(bytes("SSH-2.0-OpenSSH\r\nmore"));
        assertEquals(-1, a.status());
        assertEquals("SSH-2.0-OpenSSH", a.statusLine());
        assertEquals(-1, EngineAnswer.parse(new byte[0]).status());
        assertEquals(-1, EngineAnswer.status("HTTP/1.1 2x0 OK"));
        assertEquals(101, EngineAnswer.status("HTTP/1.1 101 UPGRADED\r\n"));
    }

    @Test
    void cutsTheEventStreamIntoLinesAcrossChunksAndReads() throws Exception {
        byte[] all = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "6\r\n{\"a\":1\r\n" + "4\r\n}\n{\"\r\n"
                        + "9\r\nb\":\"é\"}\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        for (int step : new int[] {1, 2, 5, 7, all.length}) { // headers and sizes torn too
            List<String> lines = new ArrayList<>();
            int[] opened = {0};
            EngineSocket.LineStream s = new EngineSocket.LineStream("/events", () -> opened[0]++, lines::add);
            for (int i = 0; i < all.length; i += step) {
                byte[] part = Arrays.copyOfRange(all, i, Math.min(all.length, i + step));
                s.feed(part, part.length);
            }
            assertEquals(1, opened[0]);
            assertEquals(List.of("{\"a\":1}", "{\"b\":\"é\"}"), lines, "step " + step);
        }
    }

    @Test
    void aStreamRefusedByTheEngineSaysItsStatus() {
        EngineSocket.LineStream s = new EngineSocket.LineStream("/events", () -> {}, l -> {});
        byte[] b = bytes("HTTP/1.1 500 Internal Server Error\r\n\r\n");
        assertEquals(
                "GET /events: status 500",
                assertThrows(IOException.class, () -> s.feed(b, b.length)).getMessage());
    }

    @Test
    void namesEndpoints() {
        assertTrue(EngineEndpoint.parse("unix:///var/run/docker.sock").unix());
        EngineEndpoint tcp = EngineEndpoint.parse("tcp://127.0.0.1:2376");
        assertFalse(tcp.unix());
        assertEquals("/127.0.0.1:2376", tcp.address().toString());
        assertEquals(
                "/127.0.0.1:2375",
                EngineEndpoint.parse("tcp://127.0.0.1").address().toString());
        assertEquals("unix:///var/run/docker.sock", EngineEndpoint.host(" "));
        assertEquals("tcp://h:1", EngineEndpoint.host("tcp://h:1"));
        assertEquals(
                "ssh://x: an engine endpoint is unix:///path or tcp://host:port",
                assertThrows(IllegalArgumentException.class, () -> EngineEndpoint.parse("ssh://x"))
                        .getMessage());
        assertEquals("5 s", EngineSocket.words(Duration.ofSeconds(5)));
        assertEquals("2500 ms", EngineSocket.words(Duration.ofMillis(2500)));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
