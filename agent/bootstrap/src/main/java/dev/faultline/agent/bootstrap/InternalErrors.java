package dev.faultline.agent.bootstrap;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A bug inside the agent never breaks the intercepted call: it is counted and handed once to the sink the core
 * sets (its logger), and the call proceeds. No logging library is reachable from here: the hook path is JDK only.
 */
public final class InternalErrors {
    private static final AtomicLong COUNT = new AtomicLong();
    private static volatile Consumer<Throwable> sink =
            t -> System.err.println("[faultline] internal error on a hook path: " + t);

    private InternalErrors() {}

    /** Set once by the core at start: where the first internal error is reported. */
    public static void sink(Consumer<Throwable> errorSink) {
        sink = errorSink;
    }

    public static void report(Throwable t) {
        if (COUNT.getAndIncrement() == 0) {
            try {
                sink.accept(t);
            } catch (Throwable ignored) {
                // reporting must not fail the call either
            }
        }
    }

    public static long count() {
        return COUNT.get();
    }
}
