package dev.faultline.sidecar.experiment.change;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KillPointsTest {
    @Test
    void stepsAndJitterAreReadAndAnUnknownStepIsRefused() {
        assertNull(KillPoints.parse(null));
        assertNull(KillPoints.parse(" "));
        assertArrayEquals(new String[] {"applied", "0"}, KillPoints.parse("applied"));
        assertArrayEquals(new String[] {"reverting", "40"}, KillPoints.parse("reverting:40"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KillPoints.parse("after-lunch"))
                .getMessage()
                .contains("after-lunch"));
    }
}
