package dev.faultline.cli.experiment;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code {"type": "python", "module": …, "func": …, "arguments": {…}}}: checked as any, run natively only for
 * chaostoolkit-prometheus's {@code chaosprometheus.probes.query}, against {@code configuration.prometheus_base_url};
 * its output is Prometheus's answer, and a range tolerance reads the first sample's value.
 */
record PythonProvider(Map<?, ?> spec) implements Provider {
    @Override
    public void check(String at, ActivityCheck c) {
        Map<?, ?> m = spec;
        c.requireText(m, at, "module");
        c.requireText(m, at, "func");
        Object args = m.get("arguments");
        if (m.containsKey("arguments") && !(args instanceof Map)) {
            c.refuse(at + ".arguments", "an object of argument names to values");
        }
        if (prometheusQuery() && !(args instanceof Map<?, ?> a && a.get("query") instanceof String q && !q.isBlank())) {
            c.refuse(at + ".arguments.query", "missing: the PromQL expression");
        }
    }

    private boolean prometheusQuery() {
        return "chaosprometheus.probes".equals(spec.get("module")) && "query".equals(spec.get("func"));
    }

    @Override
    public Refusal refusalAsTolerance(String at) {
        return new Refusal(
                at + ".provider.type",
                "a probe tolerance runs a process or an http call here (a python function is not run natively)");
    }

    @Override
    public Object run(Context context, Duration timeout) throws IOException, InterruptedException {
        if (!prometheusQuery()) {
            throw new IllegalArgumentException("python provider " + spec.get("module") + "." + spec.get("func")
                    + " is not run natively (only chaosprometheus.probes.query is)");
        }
        Object base = context.configuration().get("prometheus_base_url");
        if (!(base instanceof String url)) {
            throw new IllegalArgumentException("configuration.prometheus_base_url is not set");
        }
        String query = (String) ((Map<?, ?>) spec.get("arguments")).get("query");
        String encoded = URLEncoder.encode(query, StandardCharsets.UTF_8);
        URI uri = URI.create(url.replaceAll("/+$", "") + "/api/v1/query?query=" + encoded);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<String> r = context.http().send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("Prometheus answered " + r.statusCode() + ": " + r.body());
        return ExperimentFile.parse(r.body());
    }

    @Override
    public Object text(Object output) {
        return output;
    }

    /** An instant query's first sample ({@code data.result[0].value[1]}), a scalar's value, else the answer itself. */
    @Override
    public Object sample(Object output) {
        List<Object> v = samples(output);
        return v.isEmpty() ? text(output) : v.get(0);
    }

    @Override
    public Object shown(Object output) {
        if (output instanceof Map<?, ?> o && o.get("data") instanceof Map<?, ?>) {
            List<Object> v = samples(output);
            return v.isEmpty() ? null : v.get(0);
        }
        return status(output);
    }

    private static List<Object> samples(Object output) {
        List<Object> v = JsonPath.compile("$.data.result[0].value[1]").select(output);
        // resultType scalar: [time, "value"]
        return v.isEmpty() ? JsonPath.compile("$.data.result[1]").select(output) : v;
    }
}
