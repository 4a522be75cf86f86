package dev.faultline.agent.process;

import dev.faultline.agent.bootstrap.FaultRule;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One armed process fault and the {@code faultline-} thread that carries it out. */
abstract class ProcessFault {
    static final Logger log = LoggerFactory.getLogger(ProcessFaults.class);

    final FaultRule rule;
    volatile boolean stopped;
    private volatile Thread thread;

    ProcessFault(FaultRule rule) {
        this.rule = rule;
    }

    final void start(Runnable onDone) {
        Thread t = new Thread(
                () -> {
                    try {
                        if (!waitUntil(rule.startsAtNanos())) return;
                        if (!rule.fire()) {
                            log.info(
                                    "{}: its gate did not fire (probability={}); nothing done",
                                    rule.id(),
                                    rule.spec().gates().probability());
                            return;
                        }
                        act();
                    } catch (Throwable e) {
                        log.error("{}: process fault failed", rule.id(), e);
                    } finally {
                        onDone.run();
                    }
                },
                "faultline-" + rule.spec().action().word() + "-" + rule.id());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** What the fault does once its gate fires; returns when it is over (or stopped). */
    abstract void act() throws Exception;

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /** Parks until {@code deadline} (System.nanoTime) or until stopped; true if the deadline was reached. */
    final boolean waitUntil(long deadline) {
        while (!stopped) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return true;
            LockSupport.parkNanos(this, left);
        }
        return false;
    }

    /** The end of a stress: for= from now, and never beyond the rule's ttl. */
    final long stressDeadline() {
        long now = System.nanoTime();
        return now + Math.min(rule.forNanos(), rule.remainingNanos(now));
    }
}
