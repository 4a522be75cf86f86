package dev.faultline.agent.otel;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * A service traced by its own OpenTelemetry SDK (no OpenTelemetry agent): each request runs in a span it makes
 * current, ends with the status an application sets on failure, and the answer reports what that span recorded:
 * {@code OK|ERR <detail> status=<code> events=[name{attributes}…]}.
 */
public final class SdkTracedService {
    public static void main(String[] args) throws Exception {
        System.setProperty("http.keepAlive", "false");
        Tracer tracer = SdkTracerProvider.builder().build().get("sdk-traced-service");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY java=" + Runtime.version().feature());
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split(" ");
            Span span = tracer.spanBuilder("GET " + w[1]).startSpan();
            String answer;
            try (Scope ignored = span.makeCurrent()) {
                HttpURLConnection c =
                        (HttpURLConnection) URI.create(w[1]).toURL().openConnection();
                try (InputStream body = c.getInputStream()) {
                    answer = "OK " + c.getResponseCode() + ":" + body.readAllBytes().length;
                } finally {
                    c.disconnect();
                }
            } catch (Exception e) {
                span.recordException(e);
                span.setStatus(StatusCode.ERROR);
                answer = "ERR " + e.getClass().getName();
            } finally {
                span.end();
            }
            SpanData data = ((ReadableSpan) span).toSpanData();
            String events = data.getEvents().stream().map(EventData::getName).collect(Collectors.joining(","));
            String fault = data.getEvents().stream()
                    .filter(e -> e.getName().equals("faultline.fault"))
                    .map(e -> e.getAttributes().asMap().entrySet().stream()
                            .map(a -> a.getKey().getKey() + "=" + a.getValue())
                            .sorted()
                            .collect(Collectors.joining(";")))
                    .collect(Collectors.joining("|"));
            System.out.println(answer + " status=" + data.getStatus().getStatusCode() + " events=" + events + " fault="
                    + fault.replace(' ', '_'));
        }
    }
}
