package dev.faultline.common.words;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "500ms, 500000000",
        "30s, 30000000000",
        "2m, 120000000000",
        "1h, 3600000000000",
        "1m30s, 90000000000",
        "1s500ms, 1500000000",
        "0.5s, 500000000",
        "250us, 250000",
        "1H, 3600000000000",
        "' 10s ', 10000000000",
        "0.0001us, 0"
    })
    void parses(String text, long nanos) {
        assertEquals(nanos, Durations.parseNanos(text));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "300 | not a duration",
                "5 minutes | not a duration",
                "-5ms | must not be negative",
                "'' | not a duration",
                "1m 30s | not a duration",
                "ms | not a duration",
                "1.5.2s | not a duration"
            })
    void refuses(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos(text));
        assertTrue(e.getMessage().startsWith(reason), e.getMessage());
    }
}
