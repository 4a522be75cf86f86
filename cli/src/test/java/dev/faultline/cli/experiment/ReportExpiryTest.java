package dev.faultline.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A fault's window ends when it expires by its lease, as its action recorded; older journals: by the words sent. */
class ReportExpiryTest {
    static final Instant ARMED = Instant.parse("2026-01-01T00:00:02Z");

    @Test
    void theRecordedExpiryIsRead() {
        assertEquals(
                Instant.parse("2026-01-01T00:01:00Z"),
                Report.expiry(
                        Map.of("sent", "netem --duration 90s rate --rate 1mbit app", "expires", "2026-01-01T00:01:00Z"),
                        ARMED));
    }

    @Test
    void aRecordedNullIsNoExpiryNotAReasonToReadTheWords() {
        java.util.HashMap<String, Object> output = new java.util.HashMap<>();
        output.put("sent", "--interval 10s --limit 3 netem --duration 5s rate --rate 1mbit app");
        output.put("expires", null);
        assertNull(Report.expiry(output, ARMED));
    }

    @Test
    void anOlderJournalsSentWordsAreReadWithTheirGrammars() {
        assertEquals(ARMED.plusSeconds(2), Report.expiry(Map.of("sent", "error on=connect port=1 ttl=2s"), ARMED));
        assertEquals(
                ARMED.plusSeconds(90),
                Report.expiry(Map.of("sent", "--namespace prod netem -d 90s rate --rate 1mbit app"), ARMED));
        assertEquals(ARMED.plusSeconds(5), Report.expiry(Map.of("sent", "pause app --duration=5s"), ARMED));
        assertNull(Report.expiry(Map.of("sent", "kill --signal SIGKILL app"), ARMED));
        assertNull(Report.expiry(Map.of("status", 0), ARMED));
    }
}
