package dev.faultline.cli.experiment;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A probe's tolerance: a value (bool, number, string), a list of values, or {@code {type: range|regex|jsonpath|probe}}. */
final class Tolerances {
    private Tolerances() {}

    static void check(ExperimentCheck c, String at, Object t, ActivityCheck activities) {
        if (t == null) {
            c.refuse(at, "missing: a value, a list, or {type: range|regex|jsonpath|probe}");
            return;
        }
        if (t instanceof Boolean || t instanceof Number || t instanceof String || t instanceof List) return;
        if (!(t instanceof Map<?, ?> m)) {
            c.refuse(at, "a value, a list, or {type: range|regex|jsonpath|probe}");
            return;
        }
        Object type = m.get("type");
        if (type == null) {
            c.refuse(at + ".type", "missing (range, regex, jsonpath or probe)");
            return;
        }
        switch (String.valueOf(type)) {
            case "range" -> range(c, at, m);
            case "regex" -> regex(c, at, m);
            case "jsonpath" -> jsonpath(c, at, m);
            case "probe" -> probe(c, at, m, activities);
            default ->
                c.refuse(at + ".type", "unknown tolerance type \"" + type + "\" (range, regex, jsonpath or probe)");
        }
    }

    /**
     * A probe that judges the hypothesis probe's output, given to it as the argument {@code value}: so its provider's
     * {@code arguments}, if any, are an object; it runs a process or an HTTP call (whose answer says met or not).
     */
    private static void probe(ExperimentCheck c, String at, Map<?, ?> m, ActivityCheck activities) {
        if (m.containsKey("ref")) {
            c.refuse(at + ".ref", "a probe tolerance is written out in full: type, name and provider");
            return;
        }
        activities.activity(at, m, true);
        if (!(m.get("provider") instanceof Map<?, ?> p)) return;
        if (p.containsKey("arguments") && !(p.get("arguments") instanceof Map)) {
            c.refuse(
                    at + ".provider.arguments",
                    "an object: the probe's output is added to it as the argument \"value\"");
        }
        Provider provider = Provider.of(p);
        Refusal refusal = provider == null ? null : provider.refusalAsTolerance(at);
        if (refusal != null) c.refuse(refusal.path(), refusal.message());
    }

    private static void range(ExperimentCheck c, String at, Map<?, ?> m) {
        if (!(m.get("range") instanceof List<?> r)
                || r.size() != 2
                || !(r.get(0) instanceof Number lo)
                || !(r.get(1) instanceof Number hi)) {
            c.refuse(at + ".range", "two numbers [lower, upper]");
            return;
        }
        if (lo.doubleValue() > hi.doubleValue())
            c.refuse(at + ".range", "lower bound " + lo + " is above upper bound " + hi);
        target(c, at, m);
    }

    private static void regex(ExperimentCheck c, String at, Map<?, ?> m) {
        if (!(m.get("pattern") instanceof String p) || p.isEmpty()) {
            c.refuse(at + ".pattern", "missing: a regular expression");
            return;
        }
        try {
            Pattern.compile(p);
        } catch (PatternSyntaxException e) {
            c.refuse(
                    at + ".pattern", "not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
        target(c, at, m);
    }

    private static void jsonpath(ExperimentCheck c, String at, Map<?, ?> m) {
        if (!(m.get("path") instanceof String p) || !p.startsWith("$")) {
            c.refuse(at + ".path", "a JSONPath starting with $, e.g. $.status");
            return;
        }
        try {
            JsonPath.compile(p);
        } catch (IllegalArgumentException e) {
            c.refuse(at + ".path", e.getMessage());
        }
        target(c, at, m);
    }

    private static void target(ExperimentCheck c, String at, Map<?, ?> m) {
        if (m.containsKey("target") && !(m.get("target") instanceof String))
            c.refuse(at + ".target", "the name of a field of the probe's output (status, body …)");
    }
}
