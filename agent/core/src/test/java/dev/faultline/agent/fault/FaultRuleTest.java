package dev.faultline.agent.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.Pause;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import dev.faultline.agent.spec.SpecParser;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The gates are pure logic: tested here exactly, and end to end in the forked-JVM ITs. */
class FaultRuleTest {
    static FaultRule rule(String spec) {
        return new FaultRule("t", SpecParser.parse(spec), ThrowableFactory.HOOK_DEFAULT);
    }

    @Test
    void limitGivesExactlyNUnderManyThreads() throws Exception {
        FaultRule r = rule("error on=read limit=137");
        AtomicInteger fired = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 10_000; i++) if (r.fire()) fired.incrementAndGet();
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(137, fired.get());
        assertEquals(137, r.injectedCount());
    }

    @Test
    void probabilityIsWithinOnePercentOver10000Calls() {
        FaultRule r = rule("error on=read probability=0.1");
        int fired = 0;
        for (int i = 0; i < 10_000; i++) if (r.fire()) fired++;
        assertTrue(Math.abs(fired - 1000) <= 100, "fired " + fired + " of 10000 at p=0.1");
    }

    @Test
    void seedRepeatsTheSelectionExactlyAndDifferentSeedsDiffer() {
        StringBuilder a = new StringBuilder(), b = new StringBuilder(), c = new StringBuilder();
        FaultRule ra = rule("error on=read probability=0.5 seed=42");
        FaultRule rb = rule("error on=read probability=0.5 seed=42");
        FaultRule rc = rule("error on=read probability=0.5 seed=43");
        for (int i = 0; i < 200; i++) {
            a.append(ra.fire() ? 1 : 0);
            b.append(rb.fire() ? 1 : 0);
            c.append(rc.fire() ? 1 : 0);
        }
        assertEquals(a.toString(), b.toString());
        assertFalse(a.toString().equals(c.toString()));
    }

    @Test
    void everyNthAndAfterAndTtl() throws Exception {
        FaultRule every = rule("error on=read every=4");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) s.append(every.fire() ? 1 : 0);
        assertEquals("00010001", s.toString());

        FaultRule later = rule("error on=read after=200ms");
        assertFalse(later.fire());
        Thread.sleep(250);
        assertTrue(later.fire());

        FaultRule brief = rule("error on=read ttl=100ms");
        assertTrue(brief.fire());
        Thread.sleep(150);
        assertFalse(brief.fire(), "never injects past its ttl, even before the registry removes it");

        FaultRule gated = rule("error on=read every=2 ttl=100ms"); // the ttl is checked once the gates say yes
        assertFalse(gated.fire());
        assertTrue(gated.fire());
        Thread.sleep(150);
        for (int i = 0; i < 4; i++) assertFalse(gated.fire(), "call " + i + " past the ttl of a gated rule");
    }

    @Test
    void jitterStaysWithinBoundsAndThrottlePaces() {
        FaultRule r = rule("latency on=read delay=100ms jitter=20ms");
        for (int i = 0; i < 1000; i++) {
            r.fire();
            long d = r.delayNanos();
            assertTrue(d >= 80_000_000L && d <= 120_000_000L, "delay " + d);
        }
        FaultRule t = rule("throttle on=read rate=1kb");
        long first = t.throttleWaitNanos(1024);
        long second = t.throttleWaitNanos(1024);
        assertTrue(first > 900_000_000L && first <= 1_000_000_000L, "1 KiB at 1 KiB/s: " + first);
        assertTrue(second > 1_900_000_000L, "the next KiB queues behind it: " + second);
    }

    @Test
    void holdEndsWhenTheFaultIsRemoved() throws Exception {
        FaultRule r = rule("hang on=read");
        Thread remover = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                // not interrupted here
            }
            r.deactivate();
        });
        long t0 = System.nanoTime();
        remover.start();
        assertFalse(Pause.hold(r, 0), "ended by removal, not by running out its bound");
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    }

    @Test
    void latencyAndThrottleEndWhenTheFaultIsRemovedOrExpires() {
        FaultRule slow = rule("latency on=read delay=20m");
        Thread remover = new Thread(() -> {
            LockSupport.parkNanos(100_000_000L);
            slow.deactivate();
        });
        long t0 = System.nanoTime();
        remover.start();
        Pause.delay(slow, slow.delayNanos());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "a 20 min delay ends when its fault is removed");

        FaultRule brief = rule("throttle on=read rate=1kb ttl=200ms");
        brief.throttleWaitNanos(1024 * 600); // a backlog of 10 minutes
        t0 = System.nanoTime();
        Pause.delay(brief, brief.throttleWaitNanos(1024));
        long waited = System.nanoTime() - t0;
        assertTrue(
                waited > 100_000_000L && waited < 2_000_000_000L,
                "a throttle backlog ends with the ttl: " + waited / 1_000_000 + " ms");
    }

    @Test
    void aDelayedThreadKeepsItsInterrupt() {
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        Pause.delay(2_000_000_000L);
        assertTrue(Thread.interrupted(), "flag kept");
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "woke at once");
    }
}
