package dev.faultline.common.words;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void controlAndFormatCharactersAreShownNotSent() {
        assertEquals(
                "delay=\\u0000x\\u001b[2J: not a duration",
                Printable.message("delay=\u0000x\u001b[2J: not a duration"));
        assertEquals("name=\\u202eevil", Printable.message("name=\u202eevil"), "a bidirectional override");
        assertEquals("line\\u000anext", Printable.message("line\nnext"));
    }

    @Test
    void aLongTokenIsShortenedAndTheExplanationKept() {
        String m = Printable.message("exception=" + "A".repeat(50_000) + " : no such class");
        assertTrue(m.startsWith("exception=AAAA") && m.contains("…(50010 chars) : no such class"), m);
        assertTrue(Printable.message("x ".repeat(1000)).length() <= Printable.LONG_MESSAGE);
    }

    @Test
    void ordinaryMessagesPassUnchanged() {
        assertEquals(
                "latency on=conect: expected connect, read, write, dns or method; 中文 ok",
                Printable.message("latency on=conect: expected connect, read, write, dns or method; 中文 ok"));
    }
}
