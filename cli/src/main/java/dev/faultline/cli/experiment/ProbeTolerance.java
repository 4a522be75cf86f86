package dev.faultline.cli.experiment;

import dev.faultline.common.json.JsonWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code {"type": "probe", …}} tolerance, run as Chaos Toolkit runs one: its provider's {@code arguments} (a mapping)
 * get the hypothesis probe's output as the argument named {@code value}, then the tolerance runs as an activity.
 * <p>
 * Whether it passed: Chaos Toolkit takes the run's return value as a truth value and fails only when the run itself
 * fails; its process and HTTP runs return a non-empty record, so any exit status and any HTTP status would pass. A
 * tolerance that cannot fail checks nothing, so Faultline reads the record: a process passes when it exits 0, an
 * HTTP call when its status is below 400 and its body is not {@code false}; a run that failed (did not start, timed
 * out, could not connect) never passes.
 */
final class ProbeTolerance {
    private ProbeTolerance() {}

    static boolean is(Object tolerance) {
        return tolerance instanceof Map<?, ?> m && "probe".equals(m.get("type"));
    }

    /** The provider with {@code arguments.value} = the probe's output (a string as it is, anything else as JSON). */
    static Map<Object, Object> withValue(Map<?, ?> provider, Object value) {
        Map<Object, Object> p = new LinkedHashMap<>(provider);
        Map<Object, Object> args = new LinkedHashMap<>();
        if (provider.get("arguments") instanceof Map<?, ?> given) args.putAll(given);
        args.remove("value"); // Chaos Toolkit overwrites it; keeping the key last keeps a process's words in its order
        args.put("value", rendered(value));
        p.put("arguments", args);
        return p;
    }

    static String rendered(Object value) {
        return value instanceof String s ? s : JsonWriter.write(value);
    }

    /** The tolerance's own run record: did its provider say the probe's output is within tolerance? */
    static boolean passed(Provider provider, Map<?, ?> run) {
        if (!"succeeded".equals(run.get("status"))) return false;
        if (!(run.get("output") instanceof Map<?, ?> out) || !(out.get("status") instanceof Number status))
            return false;
        return provider.passes(out, status.intValue());
    }
}
