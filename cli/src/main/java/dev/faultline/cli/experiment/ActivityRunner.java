package dev.faultline.cli.experiment;

import dev.faultline.cli.command.FaultlineAction;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Runs one activity and returns its Chaos Toolkit run record ({@code activity, output, status, start, end,
 * duration}, {@code exception} when it failed). Its {@link Provider} runs it: http, process, Faultline's own
 * (in-process, leased, remembered in {@code armed}) and the Prometheus probe of chaostoolkit-prometheus, natively.
 */
final class ActivityRunner {
    private final Map<String, Object> configuration;
    private final Duration defaultTimeout;
    final List<FaultlineAction.Armed> armed = new CopyOnWriteArrayList<>();
    private final Provider.Context context;

    ActivityRunner(Map<String, Object> configuration, Duration defaultTimeout, Supplier<Duration> lease) {
        this.configuration = configuration;
        this.defaultTimeout = defaultTimeout;
        HttpClient http = HttpClient.newBuilder().connectTimeout(defaultTimeout).build();
        this.context = new Provider.Context(configuration, http, lease, armed);
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

    /** A {@code {"type": "probe"}} tolerance, given the probe's output as its argument {@code value}. */
    Map<String, Object> runTolerance(Map<?, ?> tolerance, Object probeOutput) {
        return run(tolerance, probeOutput, true);
    }

    private Map<String, Object> run(Map<?, ?> activity, Object value, boolean withValue) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("activity", activity);
        Instant start = Instant.now();
        record.put("start", start.toString());
        try {
            Map<?, ?> spec = (Map<?, ?>) Substitution.apply(activity.get("provider"), configuration);
            // after the substitution: the probe's output is data, a ${name} in it is not to be replaced
            if (withValue) spec = ProbeTolerance.withValue(spec, value);
            Provider provider = Provider.of(spec);
            if (provider == null) throw new IllegalArgumentException("unknown provider type " + spec.get("type"));
            Object output = provider.run(context, timeoutOf(activity, defaultTimeout));
            record.put("output", output);
            String failure = provider.failure(output);
            record.put("status", failure != null ? "failed" : "succeeded");
            if (failure != null) record.put("exception", List.of(failure));
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
}
