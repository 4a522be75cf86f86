package dev.faultline.agent.otel;

import java.io.IOException;

/**
 * Application code with a span of its own: OpenTelemetry's {@code methods} instrumentation wraps {@link #place} and
 * {@link #placeWithFallback} in spans, and a Faultline method fault fails {@link #charge} inside them.
 */
public final class Checkout {
    private Checkout() {}

    public static String place() throws IOException {
        return charge();
    }

    /** A service that absorbs the failure: a real error here leaves the span's status alone, so must ours. */
    public static String placeWithFallback() {
        try {
            return charge();
        } catch (IOException e) {
            return "fallback";
        }
    }

    public static String charge() throws IOException {
        return "charged";
    }
}
