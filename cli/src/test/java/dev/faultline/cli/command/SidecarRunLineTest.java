package dev.faultline.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faultline.common.words.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code faultline sidecar run}'s words reach the daemon, which splits run()'s line again, as the same words. */
class SidecarRunLineTest {
    @Test
    void aWordHoldingSpacesStaysOneWord() {
        List<String> words = List.of("jvm", "--duration", "1m", "fault", "error on=connect port=6379", "app");
        assertEquals("jvm --duration 1m fault \"error on=connect port=6379\" app", SidecarCommand.Run.line(words));
        assertEquals(words, Tokenizer.words(SidecarCommand.Run.line(words)));
    }

    @Test
    void aWordTheUserQuotedGoesAsItIs() {
        List<String> words = List.of("jvm", "fault", "\"latency on=connect delay=300ms\"", "app");
        assertEquals(
                List.of("jvm", "fault", "latency on=connect delay=300ms", "app"),
                Tokenizer.words(SidecarCommand.Run.line(words)));
    }

    @Test
    void aLabelValueWithSpacesCannotBecomeAVerb() {
        List<String> words = List.of("--label", "tier=a netem --duration 1h", "kill", "app");
        assertEquals(words, Tokenizer.words(SidecarCommand.Run.line(words)));
    }
}
