package dev.faultline.cli.docker;

import dev.faultline.common.engine.EngineAnswer;
import dev.faultline.common.engine.EngineEndpoint;
import dev.faultline.common.engine.EngineSocket;
import dev.faultline.common.json.JsonReader;
import dev.faultline.common.json.JsonWriter;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Docker engine's container list over its unix socket ({@code DOCKER_HOST=unix://…}, default
 * {@code /var/run/docker.sock}), through the JDK-only engine client of {@code common}.
 */
public final class DockerEngine {
    /** A running container as {@code GET /containers/json} lists it. */
    public record Container(String name, Map<String, String> labels, List<Port> ports) {}

    /** One published port: {@code ip:publicPort} on the host for {@code privatePort/type} in the container. */
    public record Port(String ip, int privatePort, int publicPort, String type) {}

    private final EngineSocket engine;

    private DockerEngine(String unixHost) {
        this.engine = new EngineSocket(EngineEndpoint.parse(unixHost), "faultline-cli");
    }

    /** The engine {@code DOCKER_HOST} names; only a unix socket is spoken to. */
    public static DockerEngine fromEnvironment(String dockerHost) {
        String host = EngineEndpoint.host(dockerHost);
        if (!host.startsWith("unix://")) {
            throw new IllegalArgumentException("DOCKER_HOST=" + dockerHost
                    + ": --docker-label reaches the engine over a unix socket only (unix:///path)");
        }
        return new DockerEngine(host);
    }

    public String socket() {
        return engine.endpoint().uri();
    }

    /** The running containers that carry every label given ({@code key=value}), bounded by {@code timeout}. */
    public List<Container> running(List<String> labels, Duration timeout) throws IOException {
        String filters = JsonWriter.write(Map.of("label", labels, "status", List.of("running")));
        String path = "/containers/json?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8);
        EngineAnswer answer;
        try {
            // a hung engine must not hang the emergency stop
            answer = engine.exchange("GET", path, "", timeout, timeout);
        } catch (SocketTimeoutException e) {
            throw new IOException(
                    "no answer from the Docker engine at " + socket() + " within " + timeout.toMillis() + " ms");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("no Docker engine at " + socket() + " (DOCKER_HOST): " + e.getMessage(), e);
        }
        Object list;
        try {
            list = JsonReader.parse(body(answer), "the Docker engine's answer");
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<Container> out = new ArrayList<>();
        for (Object o : (List<?>) list) out.add(container((Map<?, ?>) o));
        return out;
    }

    private static Container container(Map<?, ?> c) {
        String name = c.get("Names") instanceof List<?> n && !n.isEmpty()
                ? String.valueOf(n.get(0)).replaceFirst("^/", "")
                : String.valueOf(c.get("Id"));
        Map<String, String> labels = new LinkedHashMap<>();
        if (c.get("Labels") instanceof Map<?, ?> l)
            l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        List<Port> ports = new ArrayList<>();
        if (c.get("Ports") instanceof List<?> ps) {
            for (Object p : ps) {
                Map<?, ?> m = (Map<?, ?>) p;
                int published = m.get("PublicPort") instanceof Number n ? n.intValue() : 0;
                ports.add(new Port(
                        m.get("IP") == null ? "" : String.valueOf(m.get("IP")),
                        ((Number) m.get("PrivatePort")).intValue(),
                        published,
                        String.valueOf(m.get("Type"))));
            }
        }
        return new Container(name, labels, ports);
    }

    /** The body of the engine's answer; a status other than 200 is the engine's refusal. */
    static String body(EngineAnswer answer) throws IOException {
        if (answer.status() < 0) throw new IOException("not an HTTP answer from the Docker engine");
        if (answer.status() != 200) {
            String status = answer.statusLine().replaceFirst("^HTTP/\\S+ ", "");
            throw new IOException("the Docker engine answered " + status + ": "
                    + answer.body().strip());
        }
        return answer.body();
    }
}
