package dev.faultline.agent.otel;

import dev.faultline.common.json.JsonReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans OpenTelemetry's {@code logging-otlp} exporter wrote (one OTLP/JSON {@code ResourceSpans} per log line),
 * read with common's JSON reader: the test needs names, kinds, status, attributes and events, nothing more.
 */
final class ExportedSpans {
    record Event(String name, Map<String, String> attributes) {}

    record Span(
            String name,
            int kind,
            int statusCode,
            long startNanos,
            Map<String, String> attributes,
            List<Event> events) {
        List<Event> faultEvents() {
            return events.stream()
                    .filter(e -> e.name().equals("faultline.fault"))
                    .toList();
        }

        boolean isError() {
            return statusCode == 2;
        }

        @Override
        public String toString() {
            return name + " kind=" + kind + " status=" + statusCode + " " + attributes.getOrDefault("url.full", "")
                    + " events=" + events;
        }
    }

    private ExportedSpans() {}

    static List<Span> read(String log) {
        List<Span> spans = new ArrayList<>();
        for (String line : log.split("\n")) {
            int start = line.indexOf("{\"resource\"");
            if (start < 0) continue;
            Object json = JsonReader.parse(line.substring(start), "an exported span batch");
            for (Object scope : list(map(json).get("scopeSpans"))) {
                for (Object s : list(map(scope).get("spans"))) spans.add(span(map(s)));
            }
        }
        return spans;
    }

    private static Span span(Map<String, Object> s) {
        List<Event> events = new ArrayList<>();
        for (Object e : list(s.get("events"))) {
            events.add(new Event((String) map(e).get("name"), attributes(map(e).get("attributes"))));
        }
        Object status = s.get("status");
        Object code = status == null ? null : map(status).get("code");
        return new Span(
                (String) s.get("name"),
                s.get("kind") == null ? 0 : ((Number) s.get("kind")).intValue(),
                code == null ? 0 : ((Number) code).intValue(),
                Long.parseLong(String.valueOf(s.get("startTimeUnixNano"))),
                attributes(s.get("attributes")),
                events);
    }

    private static Map<String, String> attributes(Object list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object a : list(list)) {
            Map<String, Object> value = map(map(a).get("value"));
            Object v = value.isEmpty() ? null : value.values().iterator().next();
            out.put((String) map(a).get("key"), String.valueOf(v));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }
}
