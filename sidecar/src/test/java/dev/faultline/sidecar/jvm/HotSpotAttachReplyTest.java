package dev.faultline.sidecar.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the sidecar does with a hostile attach listener: a real unix socket at the path HotSpot would use, served by
 * this JVM (the "target" is this process, so {@code /proc/<pid>/root/tmp} is this machine's /tmp).
 */
class HotSpotAttachReplyTest {
    private final long nsPid = 900_000_000L + ThreadLocalRandom.current().nextInt(1_000_000);
    private final Path socket = Path.of("/tmp", ".java_pid" + nsPid);
    private ServerSocketChannel server;
    private Thread serving;

    @BeforeEach
    void bind() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
    }

    @AfterEach
    void unbind() throws Exception {
        server.close();
        if (serving != null) serving.join(5000);
        Files.deleteIfExists(socket);
    }

    private void serve(Consumer<SocketChannel> answer) {
        serving = new Thread(() -> {
            try (SocketChannel ch = server.accept()) {
                // the whole request first, as HotSpot reads it: "1\0properties\0\0\0\0"
                ByteBuffer request = ByteBuffer.allocate(64);
                int nuls = 0;
                while (nuls < 5 && ch.read(request) > 0) {
                    nuls = 0;
                    for (int i = 0; i < request.position(); i++) if (request.get(i) == 0) nuls++;
                }
                answer.accept(ch);
            } catch (IOException ignored) {
                // the client hung up: what a refusal does
            }
        });
        serving.setDaemon(true);
        serving.start();
    }

    private HotSpotAttach attachToSelf() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        return new HotSpotAttach(new JvmProcess(
                ProcessHandle.current().pid(),
                nsPid,
                uid,
                gid,
                "java",
                null,
                null,
                true,
                null,
                JvmFinder.startTime(ProcessHandle.current().pid())));
    }

    @Test
    void anEndlessReplyIsRefusedAtTheCapNotReadIntoTheHeap() throws Exception {
        serve(ch -> {
            ByteBuffer chunk = ByteBuffer.wrap(("0\n" + "x".repeat(65_534)).getBytes(StandardCharsets.UTF_8));
            try {
                for (int i = 0; i < 100_000; i++) { // 6.5 GB unless the client stops reading
                    chunk.rewind();
                    while (chunk.hasRemaining()) ch.write(chunk);
                }
            } catch (IOException stopped) {
                // the sidecar closed the connection
            }
        });
        AttachRefusedException e =
                assertThrows(AttachRefusedException.class, () -> attachToSelf().properties(Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("over 256 KiB"), e.getMessage());
    }

    @Test
    void aRefusalQuotesOnlyAShortCleanedPartOfTheTargetsText() throws Exception {
        serve(ch -> {
            String reply = "13\n\u001b[2J\rfake log line\n" + "y".repeat(100_000);
            try {
                ch.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException ignored) {
                // refused early
            }
        });
        AttachRefusedException e =
                assertThrows(AttachRefusedException.class, () -> attachToSelf().properties(Duration.ofSeconds(10)));
        String m = e.getMessage();
        assertTrue(m.startsWith("the JVM refused 'properties': status 13 "), m);
        assertFalse(m.chars().anyMatch(Character::isISOControl), "no control characters: " + m);
        assertTrue(m.length() < 2 * HotSpotAttach.MAX_ECHO + 100, "short: " + m.length());
    }

    @Test
    void echoKeepsShortTextAndCutsLongText() {
        assertEquals("a b", HotSpotAttach.echo("a\tb"));
        assertEquals(
                HotSpotAttach.MAX_ECHO + 1, HotSpotAttach.echo("z".repeat(1000)).length());
    }
}
