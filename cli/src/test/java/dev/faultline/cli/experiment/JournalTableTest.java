package dev.faultline.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The terminal table is the journal's: its probe outputs, its tolerances, its actions' windows (to the clean-up, or the fault's ttl if sooner). */
class JournalTableTest {
    static final String JOURNAL = """
            {"experiment": {"title": "slow downstream"}, "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:10Z",
             "status": "failed", "deviated": true, "duration": 10.0,
             "steady_states": {
               "before": {"steady_state_met": true, "probes": [
                 {"activity": {"name": "success-rate", "tolerance": {"type": "range", "range": [0.99, 1.0], "target": "body"}},
                  "output": {"status": 200, "body": "1.0000\\n"}, "start": "2026-01-01T00:00:00.500Z", "end": "2026-01-01T00:00:02.500Z", "tolerance_met": true}]},
               "during": [{"steady_state_met": false, "probes": [
                 {"activity": {"name": "success-rate", "tolerance": {"type": "range", "range": [0.99, 1.0], "target": "body"}},
                  "output": {"status": 200, "body": "0.7400\\n"}, "start": "2026-01-01T00:00:03Z", "tolerance_met": false}]},
                 {"steady_state_met": true, "probes": [
                 {"activity": {"name": "success-rate", "tolerance": {"type": "range", "range": [0.99, 1.0], "target": "body"}},
                  "output": {"status": 200, "body": "0.9950"}, "start": "2026-01-01T00:00:05Z", "tolerance_met": true}]}],
               "after": {"steady_state_met": true, "probes": [
                 {"activity": {"name": "health", "tolerance": 200}, "output": null, "exception": ["IOException: refused\\nmore"],
                  "start": "2026-01-01T00:00:09Z", "tolerance_met": false}]}},
             "run": [{"activity": {"type": "action", "name": "connect-errors"}, "start": "2026-01-01T00:00:01Z", "end": "2026-01-01T00:00:02Z",
                      "output": {"sent": "error on=connect port=1 ttl=2s", "armed": [{"target": "agent 127.0.0.1:9010", "id": "f1"}]}, "status": "succeeded"}],
             "rollbacks": [{"activity": {"name": "halt-all"}, "status": "succeeded"}],
             "cleanup": [{"target": "agent 127.0.0.1:9010", "id": "f1", "removed": false, "at": "2026-01-01T00:00:08Z"}]}
            """;

    @Test
    void oneRowPerProbeRunWithTheValueFromItsOutput() {
        assertEquals("""
                experiment: slow downstream
                | at s | phase  | probe        | value                  | tolerance         | met      | actions in effect while it ran |
                |------|--------|--------------|------------------------|-------------------|----------|--------------------------------|
                | 0.5  | before | success-rate | 1.0000                 | range [0.99, 1.0] | met      | connect-errors                 |
                | 3.0  | during | success-rate | 0.7400                 | range [0.99, 1.0] | DEVIATED | connect-errors                 |
                | 5.0  | during | success-rate | 0.9950                 | range [0.99, 1.0] | met      | -                              |
                | 9.0  | after  | health       | (IOException: refused) | 200               | DEVIATED | -                              |
                status: failed, deviated: true, duration 10.0 s
                rollbacks: halt-all succeeded; clean-up: 1 armed by the run, 0 still there and removed
                """, JournalTable.render((Map<?, ?>) ExperimentFile.parse(JOURNAL)));
    }
}
