package dev.faultline.agent.protocol;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;

/**
 * The service under test for the protocol faults, in a forked JVM with the built agent: it hosts a JDK HTTP server
 * ({@link HttpPeer}) that the test JVM calls, and makes the JDK HttpClient calls the test JVM's peers answer. One
 * command per stdin line, one answer line per command.
 */
public final class ProtocolProbeApp {
    public static void main(String[] args) throws Exception {
        // an HTTPS server too when the JVM is given a key store: the default context (javax.net.ssl.*) serves it,
        // and the client trusts the peer's certificate through the same properties
        HttpPeer server =
                new HttpPeer(System.getProperty("javax.net.ssl.keyStore") != null ? SSLContext.getDefault() : null);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY port=" + server.port());
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("exit")) break;
            String answer;
            try {
                answer = run(line.trim().split(" "), server, client);
            } catch (Throwable t) {
                answer = "FAIL " + t;
            }
            System.out.println(answer);
        }
        server.close();
        System.exit(0);
    }

    private static String run(String[] w, HttpPeer server, HttpClient client) throws Exception {
        return switch (w[0]) {
            case "port" -> Integer.toString(server.port());
            case "tls-port" -> Integer.toString(server.tlsPort());
            case "server-stats" -> server.takeStats();
            // send <method> <url> <n> [timeoutMs]: n calls with the JDK HttpClient, one after another
            case "send" -> send(client, w[1], URI.create(w[2]), Integer.parseInt(w[3]), w.length > 4 ? w[4] : null);
            default -> "FAIL unknown command " + w[0];
        };
    }

    /**
     * {@code codes=<status>:<n>,… errors=<exception>:<n>,… sample=<status>|<header Retry-After>|<body> maxMs=<n>}:
     * what the client saw, with one sample of a response that was not 200.
     */
    static String send(HttpClient client, String method, URI uri, int n, String timeoutMs) throws Exception {
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        String sample = "none";
        long maxNanos = 0;
        for (int i = 0; i < n; i++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .method(
                            method,
                            method.equals("GET")
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}"));
            // a bound on every call, so a broken hook fails the test instead of hanging it
            b.timeout(Duration.ofMillis(timeoutMs == null ? 20_000 : Long.parseLong(timeoutMs)));
            long start = System.nanoTime();
            try {
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                codes.merge(Integer.toString(r.statusCode()), 1, Integer::sum);
                if (r.statusCode() != 200 && sample.equals("none")) {
                    sample = r.statusCode() + "|"
                            + r.headers().firstValue("Retry-After").orElse("-") + "|"
                            + r.body().replace(' ', '_');
                }
            } catch (Exception e) {
                errors.merge(e.getClass().getName(), 1, Integer::sum);
            }
            maxNanos = Math.max(maxNanos, System.nanoTime() - start);
        }
        return "codes=" + codes.toString().replace(" ", "") + " errors="
                + errors.toString().replace(" ", "") + " sample=" + sample + " maxMs=" + maxNanos / 1_000_000;
    }
}
