package dev.faultline.cli.experiment;

import dev.faultline.common.json.JsonWriter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code {"type": "http", "url": …, "method", "headers", "arguments", "timeout"}}: its output is the status, the
 * headers and the body.
 */
record HttpProvider(Map<?, ?> spec) implements Provider {
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    @Override
    public void check(String at, ActivityCheck c) {
        Map<?, ?> m = spec;
        c.requireText(m, at, "url");
        // a URL with ${name} in it is only known at run time (configuration, secrets): its form is checked then
        if (m.get("url") instanceof String url && !url.isBlank() && !url.contains("${")) {
            try {
                URI u = new URI(url);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    c.refuse(at + ".url", "an http:// or https:// URL with a host, not \"" + url + "\"");
                }
            } catch (Exception e) {
                c.refuse(at + ".url", "not a URL: " + e.getMessage());
            }
        }
        Object method = m.get("method");
        if (m.containsKey("method") && !(method instanceof String s && METHODS.contains(s.toUpperCase(Locale.ROOT)))) {
            c.refuse(at + ".method", "one of " + new TreeSet<>(METHODS) + ", not \"" + m.get("method") + "\"");
        }
        if (m.containsKey("headers") && !(m.get("headers") instanceof Map)) {
            c.refuse(at + ".headers", "an object of header names to values");
        }
        if (m.get("timeout") instanceof List<?> l) {
            if (l.size() != 2) c.refuse(at + ".timeout", "seconds, or [connect, read] seconds");
            else for (int i = 0; i < 2; i++) c.seconds(at + ".timeout[" + i + "]", l.get(i));
        } else if (m.containsKey("timeout")) {
            c.seconds(at + ".timeout", m.get("timeout"));
        }
    }

    @Override
    public Object run(Context context, Duration timeout) throws IOException, InterruptedException {
        Map<?, ?> p = spec;
        String method = p.get("method") instanceof String m ? m.toUpperCase(Locale.ROOT) : "GET";
        Object args = p.get("arguments");
        String url = (String) p.get("url");
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (method.equals("GET") && args instanceof Map<?, ?> params) {
            url = withQuery(url, params); // as Chaos Toolkit: GET's arguments are its params
        } else if (args != null) {
            body = HttpRequest.BodyPublishers.ofString(args instanceof String s ? s : JsonWriter.write(args));
        }
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url)).timeout(timeout).method(method, body);
        if (p.get("headers") instanceof Map<?, ?> h) {
            h.forEach((k, v) -> b.header(String.valueOf(k), String.valueOf(v)));
        }
        HttpResponse<String> r = context.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
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
            String v = e.getValue() instanceof String s ? s : JsonWriter.write(e.getValue());
            q.append(sep)
                    .append(URLEncoder.encode(String.valueOf(e.getKey()), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            sep = '&';
        }
        return q.toString();
    }

    @Override
    public Object text(Object output) {
        return Provider.field(output, "body");
    }

    /** Below 400 and a body that is not {@code false}. */
    @Override
    public boolean passes(Map<?, ?> output, int status) {
        Object body = output.get("body");
        boolean saysFalse = Boolean.FALSE.equals(body)
                || body instanceof String s && s.strip().equals("false");
        return status < 400 && !saysFalse;
    }
}
