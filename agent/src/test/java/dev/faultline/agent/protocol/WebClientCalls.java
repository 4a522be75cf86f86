package dev.faultline.agent.protocol;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Exceptions;
import reactor.netty.http.client.HttpClient;

/**
 * {@link ReactorNettyProbeApp}'s Spring {@code WebClient} on Reactor Netty's {@code HttpClient} (its
 * {@code ReactorClientHttpConnector}), as a WebFlux service calls a dependency: one client for all calls, a POST's
 * body a {@code String} that WebClient's own encoder writes.
 */
final class WebClientCalls {
    private final WebClient client;

    WebClientCalls(HttpClient http) {
        client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .build();
    }

    /**
     * {@code codes=<status>:<n>,… errors=<exception>:<n>,… sample=<status>|<Retry-After>|<body>} of {@code n} calls:
     * {@code retrieve} ({@code retrieve().toEntity(String.class)}: a status of 400 and up is WebClient's own
     * {@code WebClientResponseException} subclass, counted under its status and its class) or {@code exchange}
     * ({@code exchangeToMono}: the {@code ClientResponse} as it came). A failure before a response is counted as
     * WebClient's exception and its cause ({@code WebClientRequestException<java.net.ConnectException}).
     */
    String calls(String mode, String method, String url, int n) {
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        String sample = "none";
        for (int i = 0; i < n; i++) {
            WebClient.RequestBodySpec spec =
                    client.method(HttpMethod.valueOf(method)).uri(url);
            WebClient.RequestHeadersSpec<?> request = method.equals("GET") ? spec : spec.bodyValue("{\"n\":" + i + "}");
            String got;
            try {
                got = mode.equals("exchange")
                        ? request.exchangeToMono(res -> res.bodyToMono(String.class)
                                        .defaultIfEmpty("")
                                        .map(body -> described(
                                                res.statusCode().value(),
                                                res.headers().header("Retry-After").stream()
                                                        .findFirst()
                                                        .orElse(null),
                                                body)))
                                .block(Duration.ofSeconds(20))
                        : retrieved(request.retrieve().toEntity(String.class).block(Duration.ofSeconds(20)));
            } catch (WebClientResponseException e) {
                errors.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                got = described(
                        e.getStatusCode().value(), e.getHeaders().getFirst("Retry-After"), e.getResponseBodyAsString());
            } catch (WebClientRequestException e) {
                errors.merge(
                        e.getClass().getSimpleName() + "<"
                                + e.getCause().getClass().getName(),
                        1,
                        Integer::sum);
                continue;
            } catch (RuntimeException e) {
                errors.merge(Exceptions.unwrap(e).getClass().getName(), 1, Integer::sum);
                continue;
            }
            String code = got.substring(0, got.indexOf('|'));
            codes.merge(code, 1, Integer::sum);
            if (!code.equals("200") && sample.equals("none")) sample = got;
        }
        return "codes=" + codes.toString().replace(" ", "") + " errors="
                + errors.toString().replace(" ", "") + " sample=" + sample;
    }

    private static String retrieved(ResponseEntity<String> entity) {
        return described(
                entity.getStatusCode().value(),
                entity.getHeaders().getFirst("Retry-After"),
                entity.getBody() == null ? "" : entity.getBody());
    }

    private static String described(int status, String retryAfter, String body) {
        return status + "|" + (retryAfter == null ? "-" : retryAfter) + "|" + body.replace(' ', '_');
    }
}
