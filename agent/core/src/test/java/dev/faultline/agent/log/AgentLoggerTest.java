package dev.faultline.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The agent's log clock writes what slf4j-simple's {@code HH:mm:ss.SSS} wrote, in any time zone. */
class AgentLoggerTest {
    @Test
    void clockMatchesSimpleDateFormat() {
        TimeZone was = TimeZone.getDefault();
        try {
            for (String zone : new String[] {
                "UTC",
                "Europe/Berlin",
                "America/St_Johns",
                "Asia/Kathmandu",
                "Pacific/Kiritimati",
                "America/Los_Angeles"
            }) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                SimpleDateFormat expected = new SimpleDateFormat("HH:mm:ss.SSS");
                // a spread of instants: around midnight, DST changes, before 1970, far ahead
                long[] instants = {
                    0L,
                    -1L,
                    999L,
                    86_399_999L,
                    1_711_846_800_000L,
                    1_730_595_600_000L,
                    -2_000_000_000_123L,
                    4_102_444_800_007L
                };
                for (long t : instants) {
                    for (long d = -3_600_000; d <= 3_600_000; d += 1_234_567) {
                        StringBuilder b = new StringBuilder();
                        AgentLogger.clock(t + d, b);
                        assertEquals(expected.format(new Date(t + d)), b.toString(), zone + " at " + (t + d));
                    }
                }
            }
        } finally {
            TimeZone.setDefault(was);
        }
    }
}
