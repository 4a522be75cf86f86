package dev.faultline.samples.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** Loopback ports for the services the samples start, and waiting for them to answer. */
public final class Ports {

    private Ports() {}

    /**
     * A port free right now. Ports are fixed up front rather than left to the service (or to Docker)
     * because a restarted replica must come back on the same one.
     */
    public static int free() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code base/health} until it answers 200, or fails with what the last try saw. */
    public static void awaitHealthy(URI base, Duration patience, String what) {
        awaitHealthy(base, patience, what, () -> null);
    }

    /**
     * As above, and gives up at once when {@code death} says why the service cannot come up any more
     * (e.g. its process exited), instead of waiting out the patience.
     */
    public static void awaitHealthy(URI base, Duration patience, String what, Supplier<String> death) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(base + "/health"))
                .timeout(Duration.ofSeconds(1))
                .build();
        long deadline = System.nanoTime() + patience.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            String dead = death.get();
            if (dead != null) {
                throw new IllegalStateException(what + " at " + base + " will not come up: " + dead);
            }
            try {
                HttpResponse<String> r = client.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(
                what + " at " + base + " not healthy after " + patience.toSeconds() + " s: " + last);
    }
}
