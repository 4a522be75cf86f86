package dev.faultline.cli;

import dev.faultline.cli.experiment.ExperimentFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Docker engine's container list over its unix socket ({@code DOCKER_HOST=unix://…}, default
 * {@code /var/run/docker.sock}), with the JDK only: one HTTP/1.0 request, so the engine answers with a plain body and
 * closes the connection.
 */
public final class DockerEngine {
    public static final String DEFAULT_SOCKET = "/var/run/docker.sock";

    /** A running container as {@code GET /containers/json} lists it. */
    public record Container(String name, Map<String, String> labels, List<Port> ports) {
    }

    /** One published port: {@code ip:publicPort} on the host for {@code privatePort/type} in the container. */
    public record Port(String ip, int privatePort, int publicPort, String type) {
    }

    private final Path socket;

    DockerEngine(Path socket) {
        this.socket = socket;
    }

    /** The engine {@code DOCKER_HOST} names; only a unix socket is spoken to. */
    public static DockerEngine fromEnvironment(String dockerHost) {
        if (dockerHost == null || dockerHost.isBlank()) return new DockerEngine(Path.of(DEFAULT_SOCKET));
        if (!dockerHost.startsWith("unix://")) {
            throw new IllegalArgumentException("DOCKER_HOST=" + dockerHost + ": --docker-label reaches the engine over a unix socket only (unix:///path)");
        }
        return new DockerEngine(Path.of(dockerHost.substring("unix://".length())));
    }

    public String socket() {
        return "unix://" + socket;
    }

    /** The running containers that carry every label given ({@code key=value}), each bounded by {@code timeout}. */
    public List<Container> running(List<String> labels, Duration timeout) throws IOException {
        String filters = Json.write(Map.of("label", labels, "status", List.of("running")));
        String body = get("/containers/json?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8), timeout);
        List<Container> out = new ArrayList<>();
        for (Object o : (List<?>) ExperimentFile.parse(body)) out.add(container((Map<?, ?>) o));
        return out;
    }

    private static Container container(Map<?, ?> c) {
        String name = c.get("Names") instanceof List<?> n && !n.isEmpty() ? String.valueOf(n.get(0)).replaceFirst("^/", "") : String.valueOf(c.get("Id"));
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        if (c.get("Labels") instanceof Map<?, ?> l) l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        List<Port> ports = new ArrayList<>();
        if (c.get("Ports") instanceof List<?> ps) {
            for (Object p : ps) {
                Map<?, ?> m = (Map<?, ?>) p;
                int published = m.get("PublicPort") instanceof Number n ? n.intValue() : 0;
                ports.add(new Port(m.get("IP") == null ? "" : String.valueOf(m.get("IP")), ((Number) m.get("PrivatePort")).intValue(), published,
                        String.valueOf(m.get("Type"))));
            }
        }
        return new Container(name, labels, ports);
    }

    private String get(String path, Duration timeout) throws IOException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (UnsupportedOperationException e) {
            throw new IOException("this JVM has no unix sockets", e);
        }
        // a hung engine must not hang the emergency stop: the exchange as a whole is bounded, the channel closed on expiry
        CompletableFuture<String> exchange = CompletableFuture.supplyAsync(() -> {
            try (ch) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(16384);
                while (ch.read(buf) >= 0) {
                    all.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                return all.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ch.close();
            throw new IOException("no answer from the Docker engine at " + socket() + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            ch.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
            throw new IOException("no Docker engine at " + socket() + " (DOCKER_HOST): " + cause.getMessage(), cause);
        }
        return body(response);
    }

    /** The body of an HTTP/1.x response; a status other than 200 is the engine's refusal. */
    static String body(String response) throws IOException {
        int end = response.indexOf("\r\n\r\n");
        if (end < 0 || !response.startsWith("HTTP/")) throw new IOException("not an HTTP answer from the Docker engine");
        String head = response.substring(0, end);
        String body = response.substring(end + 4);
        String status = head.lines().findFirst().orElse("");
        if (!status.matches("HTTP/\\S+ 200( .*)?")) throw new IOException("the Docker engine answered " + status.replaceFirst("^HTTP/\\S+ ", "") + ": " + body.strip());
        // HTTP/1.0 is answered with a plain body up to the close: never chunked
        if (head.toLowerCase(java.util.Locale.ROOT).contains("\r\ntransfer-encoding:")) throw new IOException("the Docker engine answered HTTP/1.0 with a transfer encoding");
        return body;
    }
}
