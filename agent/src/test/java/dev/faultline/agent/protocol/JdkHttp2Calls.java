package dev.faultline.agent.protocol;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link ReactorNettyProbeApp}'s JDK {@code HttpClient} over HTTP/2 (h2c: the first request upgrades, the others are
 * streams of that connection), one client for all calls as a service has one.
 */
final class JdkHttp2Calls {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    private JdkHttp2Calls() {}

    /** {@code codes=<status>:<n>,… versions=<version>:<n>,… errors=… sample=<status>|<Retry-After>|<body>}. */
    static String calls(URI uri, int n) {
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> versions = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        String sample = "none";
        for (int i = 0; i < n; i++) {
            try {
                HttpResponse<String> r = CLIENT.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                codes.merge(Integer.toString(r.statusCode()), 1, Integer::sum);
                versions.merge(r.statusCode() + "/" + r.version(), 1, Integer::sum);
                if (r.statusCode() != 200 && sample.equals("none")) {
                    sample = r.statusCode() + "|"
                            + r.headers().firstValue("Retry-After").orElse("-") + "|"
                            + r.body().replace(' ', '_');
                }
            } catch (Exception e) {
                errors.merge(e.getClass().getName(), 1, Integer::sum);
            }
        }
        return "codes=" + codes.toString().replace(" ", "") + " versions="
                + versions.toString().replace(" ", "") + " errors="
                + errors.toString().replace(" ", "") + " sample=" + sample;
    }
}
