package dev.faultline.agent.otel;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The traced service in a forked JVM: one command per stdin line, one answer per stdout line ({@code OK <detail>} or
 * {@code ERR <exception>}). Its clients are the ones OpenTelemetry's Java agent instruments.
 */
public final class TracedService {
    public static void main(String[] args) throws Exception {
        System.setProperty(
                "http.keepAlive", "false"); // one connection per request: each request meets the connect hook
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY java=" + Runtime.version().feature());
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split(" ");
            String answer;
            try {
                answer = "OK " + run(w);
            } catch (Exception e) {
                answer = "ERR " + e.getClass().getName() + ": " + e.getMessage();
            }
            System.out.println(answer);
        }
    }

    private static String run(String[] w) throws Exception {
        switch (w[0]) {
            case "urlconn": {
                HttpURLConnection c =
                        (HttpURLConnection) URI.create(w[1]).toURL().openConnection();
                c.setConnectTimeout(10_000);
                c.setReadTimeout(10_000);
                try (InputStream body = c.getInputStream()) {
                    return c.getResponseCode() + ":" + body.readAllBytes().length;
                } finally {
                    c.disconnect();
                }
            }
            case "jdk-http": {
                HttpClient client = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create(w[1]))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() + ":" + r.body().length();
            }
            case "jetty-port":
                return Integer.toString(TracedJetty.port());
            case "place":
                return Checkout.place();
            case "fallback":
                return Checkout.placeWithFallback();
            default:
                throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }
}
