package dev.faultline.cli.experiment;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One activity (an action or a probe): type, name, provider, pauses, timeout, background, or a {@code ref}. */
final class ActivityCheck {
    static final Set<String> PROVIDERS = Set.of("http", "process", "python");
    static final Set<String> HTTP_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private final ExperimentCheck check;
    private final FaultlineArguments faultline;

    ActivityCheck(ExperimentCheck check, FaultlineArguments faultline) {
        this.check = check;
        this.faultline = faultline;
    }

    void activity(String at, Object a, boolean probe) {
        if (!(a instanceof Map<?, ?> m)) {
            check.refuse(at, "an activity: an object with type, name and provider (or a ref)");
            return;
        }
        if (m.containsKey("ref")) {
            if (!(m.get("ref") instanceof String name) || name.isBlank()) check.refuse(at + ".ref", "the name of an activity");
            else check.reference(at + ".ref", name);
            return;
        }
        Object type = m.get("type");
        if (type == null) check.refuse(at + ".type", "missing (action or probe)");
        else if (!"action".equals(type) && !"probe".equals(type)) check.refuse(at + ".type", "unknown activity type \"" + type + "\" (action or probe)");
        check.requireText(m, at, "name");
        if (m.get("name") instanceof String name) check.names().add(name);
        if (!m.containsKey("provider")) check.refuse(at + ".provider", "missing");
        else provider(at + ".provider", m.get("provider"));
        if (m.containsKey("pauses")) pauses(at + ".pauses", m.get("pauses"));
        if (m.containsKey("timeout")) seconds(at + ".timeout", m.get("timeout"));
        if (m.containsKey("background") && !(m.get("background") instanceof Boolean)) check.refuse(at + ".background", "true or false");
    }

    private void provider(String at, Object p) {
        if (!(p instanceof Map<?, ?> m)) {
            check.refuse(at, "a provider: an object with a type (http, process or python)");
            return;
        }
        Object type = m.get("type");
        if (type == null) {
            check.refuse(at + ".type", "missing (http, process or python)");
            return;
        }
        if (!PROVIDERS.contains(type)) {
            check.refuse(at + ".type", "unknown provider type \"" + type + "\" (http, process or python)");
            return;
        }
        switch ((String) type) {
            case "http" -> http(at, m);
            case "process" -> process(at, m);
            default -> python(at, m);
        }
    }

    private void http(String at, Map<?, ?> m) {
        check.requireText(m, at, "url");
        // a URL with ${name} in it is only known at run time (configuration, secrets): its form is checked then
        if (m.get("url") instanceof String url && !url.isBlank() && !url.contains("${")) {
            try {
                URI u = new URI(url);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    check.refuse(at + ".url", "an http:// or https:// URL with a host, not \"" + url + "\"");
                }
            } catch (Exception e) {
                check.refuse(at + ".url", "not a URL: " + e.getMessage());
            }
        }
        if (m.containsKey("method") && !(m.get("method") instanceof String s && HTTP_METHODS.contains(s.toUpperCase(java.util.Locale.ROOT)))) {
            check.refuse(at + ".method", "one of " + new java.util.TreeSet<>(HTTP_METHODS) + ", not \"" + m.get("method") + "\"");
        }
        if (m.containsKey("headers") && !(m.get("headers") instanceof Map)) check.refuse(at + ".headers", "an object of header names to values");
        if (m.get("timeout") instanceof List<?> l) {
            if (l.size() != 2) check.refuse(at + ".timeout", "seconds, or [connect, read] seconds");
            else for (int i = 0; i < 2; i++) seconds(at + ".timeout[" + i + "]", l.get(i));
        } else if (m.containsKey("timeout")) {
            seconds(at + ".timeout", m.get("timeout"));
        }
    }

    private void process(String at, Map<?, ?> m) {
        check.requireText(m, at, "path");
        Object args = m.get("arguments");
        List<String> words = new ArrayList<>();
        if (args instanceof String s) {
            words.addAll(Arrays.asList(s.strip().split("\\s+")));
        } else if (args instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                Object w = l.get(i);
                if (w instanceof String || w instanceof Number || w instanceof Boolean) words.add(String.valueOf(w));
                else check.refuse(at + ".arguments[" + i + "]", "a word (string or number)");
            }
        } else if (args instanceof Map<?, ?> map) {
            words.addAll(ActivityRunner.words(map)); // Chaos Toolkit's flattening: key, value, …
        } else if (args != null) {
            check.refuse(at + ".arguments", "a string, a list of words, or an object (key, value, … in order)");
            return;
        }
        if (m.containsKey("timeout")) seconds(at + ".timeout", m.get("timeout"));
        if ("faultline".equals(m.get("path"))) {
            String refusal = faultline.refusal(words);
            if (refusal != null) check.refuse(at + ".arguments", refusal);
        }
    }

    private void python(String at, Map<?, ?> m) {
        check.requireText(m, at, "module");
        check.requireText(m, at, "func");
        if (m.containsKey("arguments") && !(m.get("arguments") instanceof Map)) check.refuse(at + ".arguments", "an object of argument names to values");
        if ("chaosprometheus.probes".equals(m.get("module")) && "query".equals(m.get("func"))
                && !(m.get("arguments") instanceof Map<?, ?> a && a.get("query") instanceof String q && !q.isBlank())) {
            check.refuse(at + ".arguments.query", "missing: the PromQL expression");
        }
    }

    private void pauses(String at, Object p) {
        if (!(p instanceof Map<?, ?> m)) {
            check.refuse(at, "an object with before and/or after, in seconds");
            return;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!key.equals("before") && !key.equals("after")) check.refuse(at + "." + key, "unknown pause (before or after)");
            else seconds(at + "." + key, e.getValue());
        }
    }

    /** Chaos Toolkit's durations are numbers of seconds. */
    private void seconds(String at, Object v) {
        if (!(v instanceof Number n)) check.refuse(at, "a number of seconds, not " + (v instanceof String ? "\"" + v + "\"" : String.valueOf(v)));
        else if (n.doubleValue() < 0 || Double.isNaN(n.doubleValue())) check.refuse(at, "must not be negative, got " + n);
    }
}
