package dev.faultline.cli.experiment;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a probe's output is within its tolerance, as Chaos Toolkit decides it: a number or boolean is compared with
 * a process's or an HTTP call's {@code status}, a string with its {@code stdout} or {@code body}, a list holds the
 * allowed values; {@code range}, {@code regex} and {@code jsonpath} look at {@code target} (default: the body or
 * stdout; for a Prometheus query, the first sample's value).
 */
final class ToleranceCheck {
    private ToleranceCheck() {
    }

    static boolean met(Object tolerance, Object output) {
        if (tolerance instanceof Boolean || tolerance instanceof Number) return same(tolerance, status(output));
        if (tolerance instanceof String s) return s.strip().equals(String.valueOf(text(output)).strip());
        if (tolerance instanceof List<?> l) {
            Object v = status(output);
            return l.stream().anyMatch(x -> same(x, v));
        }
        if (tolerance instanceof Map<?, ?> m) {
            Object target = m.get("target") instanceof String t && output instanceof Map<?, ?> o ? o.get(t) : null;
            switch (String.valueOf(m.get("type"))) {
                case "range" -> {
                    List<?> r = (List<?>) m.get("range");
                    Double v = number(target != null ? target : sample(output));
                    return v != null && v >= ((Number) r.get(0)).doubleValue() && v <= ((Number) r.get(1)).doubleValue();
                }
                case "regex" -> {
                    return Pattern.compile((String) m.get("pattern")).matcher(String.valueOf(target != null ? target : text(output))).find();
                }
                case "jsonpath" -> {
                    Object doc = target != null ? target : text(output);
                    if (doc instanceof String s) doc = ExperimentFile.parse(s);
                    List<Object> values = JsonPath.compile((String) m.get("path")).select(doc);
                    if (!m.containsKey("expect")) return !values.isEmpty();
                    return !values.isEmpty() && values.stream().allMatch(v -> same(m.get("expect"), v));
                }
                default -> throw new IllegalArgumentException("tolerance type " + m.get("type") + " is not evaluated natively");
            }
        }
        return false;
    }

    private static Object status(Object output) {
        return output instanceof Map<?, ?> m && m.containsKey("status") ? m.get("status") : output;
    }

    private static Object text(Object output) {
        if (output instanceof Map<?, ?> m) {
            if (m.containsKey("stdout")) return m.get("stdout");
            if (m.containsKey("body")) return m.get("body");
        }
        return output;
    }

    /** A Prometheus instant query's first sample ({@code data.result[0].value[1]}), else the output itself. */
    private static Object sample(Object output) {
        List<Object> v = JsonPath.compile("$.data.result[0].value[1]").select(output);
        if (!v.isEmpty()) return v.get(0);
        List<Object> scalar = JsonPath.compile("$.data.result[1]").select(output); // resultType scalar: [time, "value"]
        return scalar.isEmpty() ? text(output) : scalar.get(0);
    }

    private static Double number(Object v) {
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
