package dev.faultline.samples.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends GET requests at a fixed rate, whatever the target's latency (an open model: a slow target
 * does not slow the arrivals down, as with real users), and reports each request's outcome.
 * A request succeeds when it answers 200 within the timeout.
 */
public final class LoadGenerator implements AutoCloseable {

    private final URI target;
    private final int ratePerSecond;
    private final Duration timeout;
    private final ExecutorService callbacks;
    private final HttpClient client;

    public LoadGenerator(URI target, int ratePerSecond, Duration timeout) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("rate must be at least 1 request per second: " + ratePerSecond);
        }
        this.target = target;
        this.ratePerSecond = ratePerSecond;
        this.timeout = timeout;
        this.callbacks = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loadgen");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .executor(callbacks)
                .connectTimeout(timeout)
                .build();
    }

    /** Runs for {@code duration}, then waits (at most the timeout) for the last answers. */
    public LoadReport run(Duration duration) {
        long periodNanos = 1_000_000_000L / ratePerSecond;
        long count = duration.toNanos() / periodNanos;
        List<Long> sentAt = new ArrayList<>();
        List<CompletableFuture<LoadReport.Sample>> inFlight = new ArrayList<>();
        HttpRequest request =
                HttpRequest.newBuilder(target).timeout(timeout).GET().build();
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * periodNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            long sent = System.nanoTime();
            sentAt.add(sent - start);
            inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, failure) -> new LoadReport.Sample(
                            sent - start, System.nanoTime() - sent, failure == null && response.statusCode() == 200)));
        }
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Whatever has not answered by now counts as failed, at the full timeout (below).
        }
        List<LoadReport.Sample> samples = new ArrayList<>();
        for (int i = 0; i < inFlight.size(); i++) {
            samples.add(inFlight.get(i).getNow(new LoadReport.Sample(sentAt.get(i), timeout.toNanos(), false)));
        }
        return new LoadReport(samples, duration);
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
    }
}
