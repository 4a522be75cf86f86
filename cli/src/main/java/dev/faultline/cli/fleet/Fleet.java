package dev.faultline.cli.fleet;

import dev.faultline.common.jmx.JmxClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

/**
 * The same call on many targets at once, each on its own thread, each bounded by the timeout as a whole (connect,
 * log in, answer): a dead or black-holed target costs the timeout, never more, and never delays the others.
 */
public final class Fleet {
    private final CredentialSource credentials;
    private final Duration timeout;

    public Fleet(CredentialSource credentials, Duration timeout) {
        this.credentials = credentials;
        this.timeout = timeout;
        ShortConnects.connectMillis = (int) Math.max(100, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /** One call for every target; answers in the targets' order. */
    public List<Answer> each(List<Target> targets, Function<Target, Call> callFor) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, targets.size()), r -> {
            Thread t = new Thread(r, "faultline-target");
            t.setDaemon(true); // a target stuck past its bound must not keep the command alive
            return t;
        });
        try {
            long start = System.nanoTime();
            List<Future<Answer>> futures = new ArrayList<>();
            for (Target t : targets) futures.add(pool.submit(() -> invoke(t, callFor.apply(t))));
            long deadline = start + timeout.toNanos();
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                Target t = targets.get(i);
                String op = callFor.apply(t).operation();
                try {
                    answers.add(futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    futures.get(i).cancel(true);
                    answers.add(Answer.failed(
                            t,
                            op,
                            "no answer within " + timeout.toMillis() + " ms (connect, log in or call)",
                            millisSince(start)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    answers.add(Answer.failed(t, op, "interrupted", millisSince(start)));
                } catch (Exception e) {
                    answers.add(Answer.failed(t, op, Causes.describe(e), millisSince(start)));
                }
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private Answer invoke(Target t, Call call) {
        long start = System.nanoTime();
        try (JMXConnector c = JmxClient.connect(t.host(), t.port(), credentials.forTarget(t))) {
            Object value = c.getMBeanServerConnection()
                    .invoke(new ObjectName(t.kind().objectName), call.operation(), call.args(), call.signature());
            String refusal = call.refusal(value);
            return refusal == null
                    ? Answer.ok(t, call.operation(), value, millisSince(start))
                    : Answer.failed(t, call.operation(), refusal, millisSince(start));
        } catch (Exception e) {
            return Answer.failed(t, call.operation(), Causes.describe(e), millisSince(start));
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
