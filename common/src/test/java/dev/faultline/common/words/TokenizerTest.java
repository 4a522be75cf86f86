package dev.faultline.common.words;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    @Test
    void wordsSplitOnWhitespaceAndQuotesHoldSpaces() {
        assertEquals(
                List.of("error", "on=read", "message=card network down"),
                Tokenizer.words("error  on=read\tmessage=\"card network down\""));
        assertEquals(
                List.of("kill", "--label", "tier=blue green", "re2:^web"),
                Tokenizer.words(" kill --label \"tier=blue green\" re2:^web "));
        assertEquals(List.of("a", "b"), Tokenizer.words("a \"\" b"), "an empty quoted word is no word");
        assertEquals(List.of(), Tokenizer.words("   "));
    }

    @Test
    void anUnterminatedQuoteIsRefusedAndNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Tokenizer.words("netem --interface \"eth0 delay"));
        assertTrue(e.getMessage().contains("unterminated quote in: netem --interface \"eth0 delay"), e.getMessage());
    }
}
