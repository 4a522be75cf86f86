package dev.faultline.cli.experiment;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a probe's output is within its tolerance, as Chaos Toolkit decides it: a number or boolean is compared with
 * the provider's status (a process's exit or an HTTP call's status), a string with its text (stdout, body), a list
 * holds the allowed values; {@code range}, {@code regex} and {@code jsonpath} look at {@code target} (default: the
 * text; for a range, the provider's sample, e.g. a Prometheus query's first sample's value).
 */
final class ToleranceCheck {
    private ToleranceCheck() {}

    static boolean met(Object tolerance, Provider provider, Object output) {
        if (tolerance instanceof Boolean || tolerance instanceof Number)
            return same(tolerance, provider.status(output));
        if (tolerance instanceof String s)
            return s.strip().equals(String.valueOf(provider.text(output)).strip());
        if (tolerance instanceof List<?> l) {
            Object v = provider.status(output);
            return l.stream().anyMatch(x -> same(x, v));
        }
        if (tolerance instanceof Map<?, ?> m) {
            Object target = m.get("target") instanceof String t && output instanceof Map<?, ?> o ? o.get(t) : null;
            switch (String.valueOf(m.get("type"))) {
                case "range" -> {
                    List<?> r = (List<?>) m.get("range");
                    Double v = number(target != null ? target : provider.sample(output));
                    return v != null
                            && v >= ((Number) r.get(0)).doubleValue()
                            && v <= ((Number) r.get(1)).doubleValue();
                }
                case "regex" -> {
                    return Pattern.compile((String) m.get("pattern"))
                            .matcher(String.valueOf(target != null ? target : provider.text(output)))
                            .find();
                }
                case "jsonpath" -> {
                    Object doc = target != null ? target : provider.text(output);
                    if (doc instanceof String s) doc = ExperimentFile.parse(s);
                    List<Object> values =
                            JsonPath.compile((String) m.get("path")).select(doc);
                    if (!m.containsKey("expect")) return !values.isEmpty();
                    return !values.isEmpty() && values.stream().allMatch(v -> same(m.get("expect"), v));
                }
                default ->
                    throw new IllegalArgumentException(
                            "tolerance type " + m.get("type") + " is not evaluated natively");
            }
        }
        return false;
    }

    static Double number(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        try {
            return v == null ? null : Double.parseDouble(v.toString().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number || b instanceof Number) {
            Double x = number(a);
            Double y = number(b);
            return x != null && x.equals(y);
        }
        return a == null ? b == null : a.equals(b);
    }
}
