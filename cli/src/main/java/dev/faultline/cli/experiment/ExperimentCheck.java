package dev.faultline.cli.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks an experiment against Chaos Toolkit's format (chaoslib's {@code ensure_experiment_is_valid}, plus what
 * Faultline runs natively): every refusal with its JSON path. Checking arms nothing and calls no target.
 */
public final class ExperimentCheck {
    private final List<Refusal> refusals = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final List<Refusal> refs = new ArrayList<>();
    private final Function<String, String> env;
    private final ActivityCheck activities;

    public ExperimentCheck(Function<String, String> env, FaultlineArguments faultline) {
        this.env = env;
        this.activities = new ActivityCheck(this, faultline);
    }

    public static List<Refusal> check(Object doc, Function<String, String> env, FaultlineArguments faultline) {
        ExperimentCheck c = new ExperimentCheck(env, faultline);
        c.experiment(doc);
        return List.copyOf(c.refusals);
    }

    void refuse(String path, String message) {
        refusals.add(new Refusal(path, message));
    }

    Set<String> names() {
        return names;
    }

    private void experiment(Object doc) {
        if (!(doc instanceof Map<?, ?> e)) {
            refuse("", "an experiment is an object with title, description and method");
            return;
        }
        requireText(e, "", "title");
        requireText(e, "", "description");
        if (e.containsKey("tags")) {
            if (!(e.get("tags") instanceof List<?> tags)) refuse("tags", "a list of strings");
            else
                for (int i = 0; i < tags.size(); i++)
                    if (!(tags.get(i) instanceof String)) refuse("tags[" + i + "]", "a string");
        }
        if (e.containsKey("configuration")) configuration(e.get("configuration"));
        if (e.containsKey("secrets")) secrets(e.get("secrets"));
        if (e.containsKey("steady-state-hypothesis")) hypothesis(e.get("steady-state-hypothesis"));
        if (!e.containsKey("method")) refuse("method", "missing (a list of activities, may be empty)");
        else activities("method", e.get("method"), false);
        if (e.containsKey("rollbacks")) activities("rollbacks", e.get("rollbacks"), false);
        for (Refusal r : refs)
            if (!names.contains(r.message()))
                refuse(r.path(), "no activity named \"" + r.message() + "\" in this experiment");
    }

    /** A {@code ref} to an activity by name, checked once every name is known. */
    void reference(String path, String name) {
        refs.add(new Refusal(path, name));
    }

    private void configuration(Object c) {
        if (!(c instanceof Map<?, ?> m)) {
            refuse("configuration", "an object of names to values");
            return;
        }
        m.forEach((k, v) -> value("configuration." + k, v));
    }

    private void secrets(Object s) {
        if (!(s instanceof Map<?, ?> scopes)) {
            refuse("secrets", "an object of scopes, each an object of names to values");
            return;
        }
        scopes.forEach((scope, keys) -> {
            if (!(keys instanceof Map<?, ?> m)) refuse("secrets." + scope, "an object of names to values");
            else m.forEach((k, v) -> value("secrets." + scope + "." + k, v));
        });
    }

    /** A literal, or {@code {"type": "env", "key": "NAME"[, "default": …]}} read from the environment. */
    private void value(String path, Object v) {
        if (!(v instanceof Map<?, ?> m) || !m.containsKey("type")) return;
        Object type = m.get("type");
        if (!"env".equals(type)) {
            refuse(path + ".type", "unknown value type \"" + type + "\" (Faultline reads \"env\")");
            return;
        }
        if (!(m.get("key") instanceof String key) || key.isBlank()) {
            refuse(path + ".key", "the environment variable's name is missing");
            return;
        }
        if (env.apply(key) == null && !m.containsKey("default"))
            refuse(path, "environment variable " + key + " is not set and there is no default");
    }

    private void hypothesis(Object h) {
        String at = "steady-state-hypothesis";
        if (!(h instanceof Map<?, ?> m)) {
            refuse(at, "an object with title and probes");
            return;
        }
        requireText(m, at, "title");
        if (!m.containsKey("probes")) return;
        if (!(m.get("probes") instanceof List<?> probes)) {
            refuse(at + ".probes", "a list of probes");
            return;
        }
        for (int i = 0; i < probes.size(); i++) {
            String p = at + ".probes[" + i + "]";
            activities.activity(p, probes.get(i), true);
            if (probes.get(i) instanceof Map<?, ?> probe && !probe.containsKey("ref")) {
                if (!"probe".equals(probe.get("type")) && probe.containsKey("type"))
                    refuse(p + ".type", "a hypothesis has probes only, not \"" + probe.get("type") + "\"");
                if (!probe.containsKey("tolerance"))
                    refuse(p + ".tolerance", "missing: every hypothesis probe needs a tolerance");
                else Tolerances.check(this, p + ".tolerance", probe.get("tolerance"), activities);
            }
        }
    }

    private void activities(String at, Object list, boolean probesOnly) {
        if (!(list instanceof List<?> l)) {
            refuse(at, "a list of activities");
            return;
        }
        for (int i = 0; i < l.size(); i++) activities.activity(at + "[" + i + "]", l.get(i), probesOnly);
    }

    void requireText(Map<?, ?> m, String at, String key) {
        String path = at.isEmpty() ? key : at + "." + key;
        Object v = m.get(key);
        if (v == null) refuse(path, "missing");
        else if (!(v instanceof String s) || s.isBlank()) refuse(path, "must be a non-empty string");
    }
}
