package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pumba's log words and netem's loss models, as the sidecar reads and writes them. */
class PumbaLogWordsTest {
    @Test
    void pumbasLevelsMapToSlf4jSimplesAndOthersAreRefused() {
        assertEquals("warn", LogWords.simpleLevel("warning"));
        assertEquals("error", LogWords.simpleLevel("panic"));
        assertEquals("debug", LogWords.simpleLevel("DEBUG"));
        assertNull(LogWords.simpleLevel("loud"));
    }

    @Test
    void aLogLineBecomesOneJsonObject() {
        assertEquals(
                "{\"time\":\"2026-12-06T07:20:00.000+0000\",\"level\":\"warning\",\"logger\":\"faultline.action\","
                        + "\"msg\":\"no containers \\\"x\\\" found\"}",
                LogWords.json("2026-12-06T07:20:00.000+0000 WARN faultline.action - no containers \"x\" found"));
        assertEquals("{\"msg\":\"error: boom\\tx\"}", LogWords.json("error: boom\tx"));
    }

    @Test
    void lossModelsAreNetemsWordsInPumbasOrder() {
        assertEquals(
                List.of("netem", "loss", "state", "1.00%", "100.00%", "0.00%", "100.00%", "0.50%"),
                NetworkEffects.LossModel.state(1, 100, 0, 100, 0.5).args());
        assertEquals(
                List.of("netem", "loss", "gemodel", "5.00%", "90.00%", "100.00%", "0.00%"),
                NetworkEffects.LossModel.gemodel(5, 90, 100, 0).args());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> NetworkEffects.LossModel.gemodel(101, 90, 100, 0).args());
        assertEquals("--pg 101.0: a percentage is 0-100", e.getMessage());
    }
}
