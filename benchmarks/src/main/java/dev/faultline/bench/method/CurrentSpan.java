package dev.faultline.bench.method;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

/** A recording span made current on the benchmark thread: by the application's own SDK, or by the Java agent. */
final class CurrentSpan {
    private CurrentSpan() {}

    static AutoCloseable open(String otel) {
        Tracer tracer = otel.equals("sdk")
                ? SdkTracerProvider.builder().build().get("bench") // no processor: spans record, nothing exports
                : GlobalOpenTelemetry.getTracer("bench"); // the Java agent's, through its bridge of the API
        Span span = tracer.spanBuilder("bench").startSpan();
        if (!span.isRecording()) throw new IllegalStateException("the span does not record: the benchmark would lie");
        Scope scope = span.makeCurrent();
        return () -> {
            scope.close();
            if (span instanceof ReadableSpan r) {
                System.err.println("[span-event] events recorded on the benchmark's span: "
                        + r.toSpanData().getTotalRecordedEvents());
            }
            span.end();
        };
    }
}
