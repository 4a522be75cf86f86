package dev.faultline.agent.hook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/** A bug inside the agent never breaks the intercepted call: it is counted, logged once, and the call proceeds. */
public final class InternalErrors {
    private static final Logger log = LoggerFactory.getLogger(InternalErrors.class);
    private static final AtomicLong COUNT = new AtomicLong();

    private InternalErrors() {
    }

    public static void report(Throwable t) {
        if (COUNT.getAndIncrement() == 0) {
            try {
                log.error("internal error on a hook path (network or method); the call proceeded without a fault (logged once)", t);
            } catch (Throwable ignored) {
                // logging must not fail the call either
            }
        }
    }

    public static long count() {
        return COUNT.get();
    }
}
