package dev.faultline.cli.experiment;

import java.util.Map;

/** One activity (an action or a probe): type, name, provider, pauses, timeout, background, or a {@code ref}. */
final class ActivityCheck {
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
            if (!(m.get("ref") instanceof String name) || name.isBlank())
                check.refuse(at + ".ref", "the name of an activity");
            else check.reference(at + ".ref", name);
            return;
        }
        Object type = m.get("type");
        if (type == null) check.refuse(at + ".type", "missing (action or probe)");
        else if (!"action".equals(type) && !"probe".equals(type))
            check.refuse(at + ".type", "unknown activity type \"" + type + "\" (action or probe)");
        check.requireText(m, at, "name");
        if (m.get("name") instanceof String name) check.names().add(name);
        if (!m.containsKey("provider")) check.refuse(at + ".provider", "missing");
        else provider(at + ".provider", m.get("provider"));
        if (m.containsKey("pauses")) pauses(at + ".pauses", m.get("pauses"));
        if (m.containsKey("timeout")) seconds(at + ".timeout", m.get("timeout"));
        if (m.containsKey("background") && !(m.get("background") instanceof Boolean))
            check.refuse(at + ".background", "true or false");
    }

    private void provider(String at, Object p) {
        if (!(p instanceof Map<?, ?> m)) {
            check.refuse(at, "a provider: an object with a type (" + Provider.typeNames() + ")");
            return;
        }
        Object type = m.get("type");
        if (type == null) {
            check.refuse(at + ".type", "missing (" + Provider.typeNames() + ")");
            return;
        }
        Provider provider = Provider.of(m);
        if (provider == null) {
            check.refuse(at + ".type", "unknown provider type \"" + type + "\" (" + Provider.typeNames() + ")");
            return;
        }
        provider.check(at, this);
    }

    void refuse(String at, String message) {
        check.refuse(at, message);
    }

    void requireText(Map<?, ?> m, String at, String key) {
        check.requireText(m, at, key);
    }

    FaultlineArguments faultline() {
        return faultline;
    }

    private void pauses(String at, Object p) {
        if (!(p instanceof Map<?, ?> m)) {
            check.refuse(at, "an object with before and/or after, in seconds");
            return;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!key.equals("before") && !key.equals("after"))
                check.refuse(at + "." + key, "unknown pause (before or after)");
            else seconds(at + "." + key, e.getValue());
        }
    }

    /** Chaos Toolkit's durations are numbers of seconds. */
    void seconds(String at, Object v) {
        if (!(v instanceof Number n))
            check.refuse(at, "a number of seconds, not " + (v instanceof String ? "\"" + v + "\"" : String.valueOf(v)));
        else if (n.doubleValue() < 0 || Double.isNaN(n.doubleValue()))
            check.refuse(at, "must not be negative, got " + n);
    }
}
