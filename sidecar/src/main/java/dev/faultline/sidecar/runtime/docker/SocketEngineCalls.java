package dev.faultline.sidecar.runtime.docker;

import dev.faultline.common.engine.AttachStream;
import dev.faultline.common.engine.EngineAnswer;
import dev.faultline.common.engine.EngineEndpoint;
import dev.faultline.common.engine.EngineSocket;
import dev.faultline.common.json.JsonReader;
import dev.faultline.common.json.JsonWriter;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The engine's calls as plain HTTP/1.1 ({@link EngineSocket}): no docker-java, no Jackson on the hot path. */
final class SocketEngineCalls implements EngineCalls {
    /** docker-java's bounds: a connect within 5 s, an answer within 60 s. */
    private static final Duration CONNECT = Duration.ofSeconds(5);

    private static final Duration ANSWER = Duration.ofSeconds(60);

    private final EngineSocket socket;

    SocketEngineCalls(String host) {
        this.socket = new EngineSocket(EngineEndpoint.parse(host), "faultline-sidecar");
    }

    @Override
    public String endpoint() {
        return socket.endpoint().uri();
    }

    private EngineAnswer call(String method, String path, String json, Duration extra) {
        try {
            EngineAnswer a = socket.exchange(method, path, json, CONNECT, ANSWER.plus(extra));
            if (a.status() < 0) throw new IllegalStateException("the engine's answer is not HTTP");
            return a;
        } catch (IOException e) {
            throw new IllegalStateException(endpoint() + ": " + e.getMessage(), e);
        }
    }

    private EngineAnswer get(String path) {
        return call("GET", path, "", Duration.ZERO);
    }

    /** The engine's own message, as docker-java reports it. */
    private static RuntimeException failure(EngineAnswer a) {
        return new IllegalStateException(
                "Status " + a.status() + ": " + a.body().strip());
    }

    /** A call whose container may be gone or already in the state asked for (404, 409; 304 for stop). */
    private void tolerant(String method, String path, Duration extra) {
        EngineAnswer a = call(method, path, "", extra);
        if (!a.ok() && a.status() != 404 && a.status() != 409 && a.status() != 304) throw failure(a);
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String container(String id) {
        return "/containers/" + query(id);
    }

    private static Object json(EngineAnswer a) {
        return JsonReader.parse(a.body(), "the engine's answer");
    }

    @Override
    public List<ContainerTarget> list() {
        EngineAnswer a = get("/containers/json?all=1");
        if (!a.ok()) throw failure(a);
        return EngineContainers.parseList(a.body());
    }

    @Override
    public List<String> labelled(String label, String value) {
        String filter = "{\"label\":[" + JsonWriter.quote(label + "=" + value) + "]}";
        EngineAnswer a = get("/containers/json?all=1&filters=" + query(filter));
        if (!a.ok()) throw failure(a);
        List<String> ids = new ArrayList<>();
        for (Object c : (List<?>) json(a)) ids.add((String) ((Map<?, ?>) c).get("Id"));
        return ids;
    }

    @Override
    public ContainerTarget inspect(String id) {
        EngineAnswer a = get(container(id) + "/json");
        if (a.status() == 404) return null;
        if (!a.ok()) throw failure(a);
        return EngineContainers.parseInspect(a.body());
    }

    private Map<?, ?> state(String id) {
        EngineAnswer a = get(container(id) + "/json");
        if (a.status() == 404) return null;
        if (!a.ok()) throw failure(a);
        return ((Map<?, ?>) json(a)).get("State") instanceof Map<?, ?> s ? s : Map.of();
    }

    @Override
    public long runningPid(String id) {
        Map<?, ?> state = state(id);
        if (state == null || !Boolean.TRUE.equals(state.get("Running"))) return -1;
        if (!(state.get("Pid") instanceof Long p)) return -1;
        return p > 0 ? p : -1;
    }

    @Override
    public boolean paused(String id) {
        Map<?, ?> state = state(id);
        return state != null && Boolean.TRUE.equals(state.get("Paused"));
    }

    @Override
    public Own own(String id) {
        EngineAnswer a = get(container(id) + "/json");
        if (!a.ok()) throw failure(a);
        Map<?, ?> c = (Map<?, ?>) json(a);
        Map<?, ?> host = c.get("HostConfig") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> config = c.get("Config") instanceof Map<?, ?> m ? m : Map.of();
        Map<String, String> labels = EngineContainers.labels(config.get("Labels"));
        return new Own((String) c.get("Image"), (String) host.get("PidMode"), labels);
    }

    @Override
    public void kill(String id, String signal) {
        tolerant("POST", container(id) + "/kill?signal=" + query(signal), Duration.ZERO);
    }

    /** Podman's own API (any version in the path is served; the unversioned one is not). */
    @Override
    public void killOnPodman(String id, String signal) {
        tolerant("POST", "/v4.0.0/libpod" + container(id) + "/kill?signal=" + query(signal), Duration.ZERO);
    }

    /** The engine answers once the container is down: its stop timeout on top of the usual bound. */
    @Override
    public void stop(String id, Duration timeout) {
        tolerant("POST", container(id) + "/stop?t=" + timeout.toSeconds(), timeout);
    }

    @Override
    public void start(String id) {
        tolerant("POST", container(id) + "/start", Duration.ZERO);
    }

    @Override
    public void restart(String id, Duration timeout) {
        tolerant("POST", container(id) + "/restart?t=" + timeout.toSeconds(), timeout);
    }

    @Override
    public void remove(String id, boolean force, boolean volumes) {
        EngineAnswer a = call("DELETE", container(id) + "?force=" + force + "&v=" + volumes, "", Duration.ZERO);
        if (!a.ok() && a.status() != 404) throw failure(a); // 404: removed meanwhile
    }

    @Override
    public void pause(String id) {
        tolerant("POST", container(id) + "/pause", Duration.ZERO);
    }

    @Override
    public void unpause(String id) {
        EngineAnswer a = call("POST", container(id) + "/unpause", "", Duration.ZERO);
        if (!a.ok() && a.status() != 404 && a.status() != 409 && !EngineCalls.notPaused(a.body())) throw failure(a);
    }

    @Override
    public void follow(Runnable onOpen, Consumer<EngineContainers.Event> onEvent) throws IOException {
        String events = "/events?filters=" + query("{\"type\":[\"container\"]}");
        socket.stream(events, CONNECT, ANSWER, onOpen, line -> {
            EngineContainers.Event e = EngineContainers.event(line);
            if (e != null) onEvent.accept(e);
        });
    }

    @Override
    public int exec(String id, List<String> argv, Duration deadline) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("User", "0"); // root, as Pumba's exec, by uid: an image without /etc/passwd has no "root"
        spec.put("AttachStdout", true);
        spec.put("AttachStderr", true);
        spec.put("Cmd", argv);
        EngineAnswer created = call("POST", container(id) + "/exec", JsonWriter.write(spec), Duration.ZERO);
        if (!created.ok()) throw failure(created);
        String exec = "/exec/" + query((String) ((Map<?, ?>) json(created)).get("Id"));
        try {
            EngineAnswer started = socket.exchange("POST", exec + "/start", "{\"Detach\":false}", CONNECT, deadline);
            if (!started.ok()) throw failure(started);
        } catch (SocketTimeoutException e) {
            Object pid = ((Map<?, ?>) json(get(exec + "/json"))).get("Pid");
            throw EngineCalls.execOverdue(id, argv, deadline, pid instanceof Number n ? n.longValue() : 0);
        } catch (IOException e) {
            throw new IllegalStateException(endpoint() + ": " + e.getMessage(), e);
        }
        EngineAnswer ended = get(exec + "/json");
        if (!ended.ok()) throw failure(ended);
        Object code = ((Map<?, ?>) json(ended)).get("ExitCode");
        if (!(code instanceof Number n))
            throw new IllegalStateException("exec " + argv + " in " + id + ": no exit code");
        return n.intValue();
    }

    @Override
    public boolean attaches() {
        return true;
    }

    @Override
    public Attached createAttachStart(String json) throws IOException {
        EngineAnswer created = call("POST", "/containers/create", json, Duration.ZERO);
        if (!created.ok())
            throw new IOException(
                    "cannot create a helper container: " + failure(created).getMessage());
        String id = (String) ((Map<?, ?>) json(created)).get("Id");
        try {
            // attached before it starts: the shell's stdin is ours from its first read
            String attach = container(id) + "/attach?stream=1&stdin=1&stdout=1&stderr=1";
            AttachStream s = socket.attach(attach, CONNECT, ANSWER);
            EngineAnswer started;
            try {
                started = call("POST", container(id) + "/start", "", Duration.ZERO);
            } catch (RuntimeException e) {
                s.close(); // the start failed outright: the attached stream's descriptor goes with it
                throw e;
            }
            if (!started.ok()) {
                s.close();
                throw new IOException(
                        "cannot start a helper container: " + failure(started).getMessage());
            }
            return new Attached(id, s);
        } catch (IOException | RuntimeException e) {
            removeQuietly(id);
            throw e;
        }
    }

    private void removeQuietly(String id) {
        try {
            remove(id, true, false);
        } catch (RuntimeException ignored) {
            // the engine does not answer: a later recovery finds it by its labels
        }
    }
}
