package dev.faultline.cli.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Chaos Toolkit's {@code ${name}} in activity strings, from the configuration and secrets; and their env values. */
final class Substitution {
    static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private Substitution() {}

    static Object apply(Object v, Map<String, Object> values) {
        if (v instanceof String s) {
            Matcher m = REF.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find())
                m.appendReplacement(
                        sb, Matcher.quoteReplacement(String.valueOf(values.getOrDefault(m.group(1), m.group()))));
            m.appendTail(sb);
            return sb.toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, apply(x, values)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(apply(x, values));
            return out;
        }
        return v;
    }

    /** The configuration and every secret scope's keys, flat, each {@code {"type": "env"}} read from the environment. */
    static Map<String, Object> values(Map<?, ?> experiment, Function<String, String> env) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (experiment.get("configuration") instanceof Map<?, ?> c)
            c.forEach((k, v) -> out.put(String.valueOf(k), resolve(v, env)));
        if (experiment.get("secrets") instanceof Map<?, ?> s) {
            s.forEach((scope, keys) -> {
                if (keys instanceof Map<?, ?> m) m.forEach((k, v) -> out.put(String.valueOf(k), resolve(v, env)));
            });
        }
        return out;
    }

    private static Object resolve(Object v, Function<String, String> env) {
        if (v instanceof Map<?, ?> m && "env".equals(m.get("type"))) {
            String value = env.apply(String.valueOf(m.get("key")));
            return value != null ? value : m.get("default");
        }
        return v;
    }
}
