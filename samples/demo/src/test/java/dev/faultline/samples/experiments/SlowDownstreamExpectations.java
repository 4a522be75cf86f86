package dev.faultline.samples.experiments;

import static dev.faultline.samples.experiments.SlowDownstreamExperiment.CONNECT_ERROR_PROBABILITY;
import static dev.faultline.samples.experiments.SlowDownstreamExperiment.GATEWAY_TIMEOUT;
import static dev.faultline.samples.experiments.SlowDownstreamExperiment.LARGE_DELAY_MS;
import static dev.faultline.samples.experiments.SlowDownstreamExperiment.SMALL_DELAY_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.samples.experiments.SlowDownstreamExperiment.Outcome;
import dev.faultline.samples.load.LoadReport;
import java.util.List;

/** What the slow-downstream table must show, wherever the replicas run: each fault's effect is the amount armed. */
final class SlowDownstreamExpectations {

    private SlowDownstreamExpectations() {}

    static void check(List<Outcome> outcomes) {
        String table = "\n" + SlowDownstreamExperiment.table(outcomes).render();
        System.out.print(table);
        assertEquals(SlowDownstreamExperiment.phases().size(), outcomes.size(), table);
        Outcome before = outcomes.get(0),
                smallDelay = outcomes.get(1),
                largeDelayOnOne = outcomes.get(2),
                readErrorOnOne = outcomes.get(3),
                connectErrors = outcomes.get(4),
                after = outcomes.get(5);

        for (Outcome o : List.of(before, smallDelay, largeDelayOnOne, readErrorOnOne, after)) {
            assertTrue(
                    o.load().requests() >= 50, o.phase().name() + ": too few requests to judge: " + o.load() + table);
            assertTrue(
                    o.load().successRate() >= 0.99,
                    o.phase().name() + ": expected >= 99% success, measured " + o.load() + table);
        }
        assertEquals(0, before.injected(), "nothing armed, nothing injected" + table);

        // A 100 ms connect delay on every downstream call: no request is faster than the delay, and the median
        // grows by the delay and no more than that plus noise.
        double added = smallDelay.load().p50Millis() - before.load().p50Millis();
        assertTrue(
                smallDelay.load().p50Millis() >= SMALL_DELAY_MS && added <= SMALL_DELAY_MS + 60,
                "latency delay=" + SMALL_DELAY_MS + "ms on all replicas should add ~" + SMALL_DELAY_MS
                        + " ms to p50; measured p50 "
                        + String.format("%.1f", smallDelay.load().p50Millis()) + " ms, "
                        + String.format("%.1f", added) + " ms over the steady state" + table);
        assertTrue(
                smallDelay.injected() >= smallDelay.load().requests() * 0.95,
                "every downstream connect delayed: " + smallDelay.injected() + " injections for "
                        + smallDelay.load().requests() + " requests" + table);

        // A 1 s delay on replica-1 exceeds the gateway timeout: half the first tries time out and are retried.
        assertRetriedHalf(largeDelayOnOne, table);
        assertTrue(
                largeDelayOnOne.gatewayTimeouts() >= largeDelayOnOne.gatewayRetries() * 0.9,
                "the retries came from timeouts: " + largeDelayOnOne.gatewayTimeouts() + " timeouts" + table);
        double p99 = largeDelayOnOne.load().p99Millis();
        assertTrue(
                p99 >= GATEWAY_TIMEOUT.toMillis() && p99 < LARGE_DELAY_MS,
                "a timed-out first try costs the gateway timeout (" + GATEWAY_TIMEOUT.toMillis()
                        + " ms), not the full delay: p99 " + String.format("%.1f", p99) + " ms" + table);

        // error on=read on replica-1: its calls answer 502 and are retried on replica-2.
        assertRetriedHalf(readErrorOnOne, table);
        assertTrue(
                readErrorOnOne.injected() >= readErrorOnOne.gatewayRetries(),
                "each retry follows an injected read error: " + readErrorOnOne.injected() + " injections, "
                        + readErrorOnOne.gatewayRetries() + " retries" + table);

        // Connect errors with probability p on both replicas: a request fails only when both tries do, p*p.
        double expected = CONNECT_ERROR_PROBABILITY * CONNECT_ERROR_PROBABILITY;
        LoadReport load = connectErrors.load();
        assertTrue(
                Math.abs(load.errorRate() - expected) <= 0.10,
                "error on=connect probability=" + CONNECT_ERROR_PROBABILITY + " on both replicas: expected "
                        + pct(expected) + " errors (both tries fail), measured " + pct(load.errorRate()) + " of "
                        + load.requests() + table);

        // clear(): nothing armed, nothing injected, latency back where it started.
        assertEquals(2, after.cleared(), "clear() disarms the fault still armed on both replicas, one each" + table);
        assertTrue(!after.armedDuring(), "Armed must be false after clear()" + table);
        assertEquals(0, after.injected(), "no injections after clear()" + table);
        assertTrue(
                after.load().p50Millis() <= before.load().p50Millis() + 20,
                "p50 back to the steady state after clear(): before "
                        + before.load().p50Millis() + " ms, after "
                        + after.load().p50Millis() + " ms" + table);
    }

    private static void assertRetriedHalf(Outcome o, String table) {
        double share = (double) o.gatewayRetries() / o.load().requests();
        assertTrue(
                share >= 0.4 && share <= 0.6,
                o.phase().name() + ": the fault is on 1 of 2 replicas, so ~50% of requests need the retry; measured "
                        + o.gatewayRetries() + " retries for " + o.load().requests() + " requests" + table);
    }

    private static String pct(double rate) {
        return String.format("%.1f%%", rate * 100);
    }
}
