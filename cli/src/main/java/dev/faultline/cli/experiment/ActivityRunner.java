package dev.faultline.cli.experiment;

import dev.faultline.cli.FaultlineAction;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one activity and returns its Chaos Toolkit run record ({@code activity, output, status, start, end,
 * duration}, {@code exception} when it failed). Providers: http, process, Faultline's own (in-process, leased,
 * remembered in {@code armed}) and the Prometheus probe of chaostoolkit-prometheus, natively.
 */
final class ActivityRunner {
    private final Map<String, Object> configuration;
    private final Duration defaultTimeout;
    private final Supplier<Duration> lease;
    final List<FaultlineAction.Armed> armed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient http;

    ActivityRunner(Map<String, Object> configuration, Duration defaultTimeout, Supplier<Duration> lease) {
        this.configuration = configuration;
        this.defaultTimeout = defaultTimeout;
        this.lease = lease;
        this.http = HttpClient.newBuilder().connectTimeout(defaultTimeout).build();
    }

    static Duration timeoutOf(Map<?, ?> activity, Duration otherwise) {
        Object t = activity.get("timeout");
        if (!(t instanceof Number n) && activity.get("provider") instanceof Map<?, ?> p) t = p.get("timeout");
        if (t instanceof List<?> l && !l.isEmpty()) t = l.get(l.size() - 1);
        return t instanceof Number n ? Duration.ofMillis((long) (n.doubleValue() * 1000)) : otherwise;
    }

    Map<String, Object> run(Map<?, ?> activity) {
        return run(activity, null, false);
    }

    /** A {@code {"type": "probe"}} tolerance, given the probe's output as its argument {@code value} ({@link ProbeTolerance}). */
    Map<String, Object> runTolerance(Map<?, ?> tolerance, Object probeOutput) {
        return run(tolerance, probeOutput, true);
    }

    private Map<String, Object> run(Map<?, ?> activity, Object value, boolean withValue) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("activity", activity);
        Instant start = Instant.now();
        record.put("start", start.toString());
        try {
            Map<?, ?> provider = (Map<?, ?>) Substitution.apply(activity.get("provider"), configuration);
            // after the substitution: the probe's output is data, a ${name} in it is not to be replaced
            if (withValue) provider = ProbeTolerance.withValue(provider, value);
            Duration timeout = timeoutOf(activity, defaultTimeout);
            Object output = switch (String.valueOf(provider.get("type"))) {
                case "http" -> http(provider, timeout);
                case "process" -> "faultline".equals(provider.get("path")) ? faultline(provider) : process(provider, timeout);
                case "python" -> python(provider, timeout);
                default -> throw new IllegalArgumentException("unknown provider type " + provider.get("type"));
            };
            record.put("output", output);
            boolean failed = output instanceof Map<?, ?> o && o.containsKey("faultline_exit") && !Integer.valueOf(0).equals(o.get("faultline_exit"));
            record.put("status", failed ? "failed" : "succeeded");
            if (failed) record.put("exception", List.of(String.valueOf(((Map<?, ?>) output).get("stderr")).strip()));
        } catch (Exception e) {
            record.put("status", "failed");
            record.put("output", null);
            record.put("exception", List.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        Instant end = Instant.now();
        record.put("end", end.toString());
        record.put("duration", Duration.between(start, end).toMillis() / 1000.0);
        return record;
    }

    private Object http(Map<?, ?> p, Duration timeout) throws IOException, InterruptedException {
        String method = p.get("method") instanceof String m ? m.toUpperCase(java.util.Locale.ROOT) : "GET";
        Object args = p.get("arguments");
        String url = (String) p.get("url");
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (method.equals("GET") && args instanceof Map<?, ?> params) url = withQuery(url, params); // as Chaos Toolkit: GET's arguments are its params
        else if (args != null) body = HttpRequest.BodyPublishers.ofString(args instanceof String s ? s : dev.faultline.cli.Json.write(args));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).method(method, body);
        if (p.get("headers") instanceof Map<?, ?> h) h.forEach((k, v) -> b.header(String.valueOf(k), String.valueOf(v)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", r.statusCode());
        out.put("headers", r.headers().map());
        out.put("body", r.body());
        return out;
    }

    static String withQuery(String url, Map<?, ?> params) {
        StringBuilder q = new StringBuilder(url);
        char sep = url.contains("?") ? '&' : '?';
        for (Map.Entry<?, ?> e : params.entrySet()) {
            if (e.getValue() == null) continue;
            String v = e.getValue() instanceof String s ? s : dev.faultline.cli.Json.write(e.getValue());
            q.append(sep).append(URLEncoder.encode(String.valueOf(e.getKey()), StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            sep = '&';
        }
        return q.toString();
    }

    private Object process(Map<?, ?> p, Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of((String) p.get("path")));
        cmd.addAll(words(p.get("arguments")));
        Path out = Files.createTempFile("faultline-activity", ".out");
        Path err = Files.createTempFile("faultline-activity", ".err");
        try {
            Process proc = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!proc.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                proc.destroyForcibly();
                throw new IOException(cmd.get(0) + " did not end within " + timeout.toMillis() + " ms (killed)");
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("status", proc.exitValue());
            o.put("stdout", Files.readString(out));
            o.put("stderr", Files.readString(err));
            return o;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private Object faultline(Map<?, ?> p) {
        FaultlineAction.Outcome r = FaultlineAction.run(words(p.get("arguments")), lease.get());
        armed.addAll(r.armed());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", r.exitCode());
        o.put("faultline_exit", r.exitCode());
        o.put("stdout", r.stdout());
        o.put("stderr", r.stderr());
        o.put("sent", String.join(" ", r.words()));
        if (r.expires() != null) o.put("expires", r.expires().toString());
        o.put("armed", r.armed().stream().map(a -> Map.of("target", a.target().toString(), "id", a.id())).toList());
        return o;
    }

    private Object python(Map<?, ?> p, Duration timeout) throws IOException, InterruptedException {
        if (!"chaosprometheus.probes".equals(p.get("module")) || !"query".equals(p.get("func"))) {
            throw new IllegalArgumentException("python provider " + p.get("module") + "." + p.get("func") + " is not run natively "
                    + "(only chaosprometheus.probes.query is)");
        }
        Object base = configuration.get("prometheus_base_url");
        if (!(base instanceof String url)) throw new IllegalArgumentException("configuration.prometheus_base_url is not set");
        String query = (String) ((Map<?, ?>) p.get("arguments")).get("query");
        HttpRequest req = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .timeout(timeout).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("Prometheus answered " + r.statusCode() + ": " + r.body());
        return ExperimentFile.parse(r.body());
    }

    /** A process's words: a string split at spaces, a list as it is, a mapping as Chaos Toolkit flattens one (key, value, …; empty ones left out). */
    static List<String> words(Object args) {
        List<String> w = new ArrayList<>();
        if (args instanceof String s && !s.isBlank()) w.addAll(List.of(s.strip().split("\\s+")));
        else if (args instanceof List<?> l) for (Object o : l) w.add(String.valueOf(o));
        else if (args instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                for (Object o : new Object[]{e.getKey(), e.getValue()}) if (o != null && !"".equals(o)) w.add(String.valueOf(o));
            }
        }
        return w;
    }
}
