package dev.faultline.agent.process;

import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultRule;

/** {@code stress cpu=N for=D}: N busy {@code faultline-} threads, stopped at for=, remove, clear or ttl. */
final class CpuStress extends ProcessFault {
    private static volatile long sink; // keeps the busy loop from being optimised away

    private final int threads;

    CpuStress(FaultRule rule, Effect.Stress stress) {
        super(rule);
        this.threads = stress.cpuThreads();
    }

    @Override
    void act() throws InterruptedException {
        long deadline = stressDeadline();
        int n = threads;
        Thread[] workers = new Thread[n];
        for (int i = 0; i < n; i++) {
            workers[i] = new Thread(() -> spin(deadline), "faultline-stress-cpu-" + rule.id() + "-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }
        log.info("{}: {} busy thread(s) for {} ms", rule.id(), n, (deadline - System.nanoTime()) / 1_000_000);
        waitUntil(deadline);
        stopped = true;
        for (Thread w : workers) w.join();
        log.info("{}: cpu stress over", rule.id());
    }

    private void spin(long deadline) {
        long x = System.nanoTime();
        while (!stopped && System.nanoTime() - deadline < 0) {
            for (int i = 0; i < 100_000; i++) x = x * 6364136223846793005L + 1442695040888963407L;
            sink = x;
        }
    }
}
