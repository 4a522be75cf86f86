package dev.faultline.cli.experiment;

import dev.faultline.cli.command.FaultlineAction;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An activity's provider, by its {@code type}: what it checks in an experiment file, how it runs, and where its
 * output holds the value a tolerance reads. A new provider type is its class here and its line in {@link #TYPES}.
 */
sealed interface Provider permits HttpProvider, ProcessProvider, FaultlineProvider, PythonProvider {
    /** Each provider type by the name an experiment gives it, in the order refusals list them. */
    List<Type> TYPES = List.of(
            new Type("http", HttpProvider::new),
            new Type("process", ProcessProvider::of),
            new Type("python", PythonProvider::new));

    record Type(String name, Function<Map<?, ?>, Provider> parse) {}

    /** What a run lends its providers: the configuration, one HTTP client, the lease now, what was armed. */
    record Context(
            Map<String, Object> configuration,
            HttpClient http,
            Supplier<Duration> lease,
            List<FaultlineAction.Armed> armed) {}

    /** The provider of this {@code provider} object, or null when it is none (not an object, no known type). */
    static Provider of(Object spec) {
        if (!(spec instanceof Map<?, ?> m)) return null;
        for (Type t : TYPES)
            if (t.name().equals(m.get("type"))) return t.parse().apply(m);
        return null;
    }

    /** "http, process or python": the types, as refusals name them. */
    static String typeNames() {
        List<String> names = TYPES.stream().map(Type::name).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** The provider object as the experiment wrote it (after {@code ${name}} substitution when it runs). */
    Map<?, ?> spec();

    /** Refuses, at {@code at} (the provider's JSON path), what this provider cannot run. */
    void check(String at, ActivityCheck c);

    /** Runs it; the output is the journal's {@code output} of the run. */
    Object run(Context context, Duration timeout) throws Exception;

    /** Why a run that returned an output still failed (the journal's exception), or null. */
    default String failure(Object output) {
        return null;
    }

    /** Why this provider cannot judge a probe's output as a {@code probe} tolerance, or null when it can. */
    default Refusal refusalAsTolerance(String at) {
        return null;
    }

    /** As a {@code probe} tolerance, whether its output (a record with a numeric status) says "within tolerance". */
    default boolean passes(Map<?, ?> output, int status) {
        return false;
    }

    /** What a boolean, number or list tolerance compares: the exit or HTTP status. */
    default Object status(Object output) {
        return output instanceof Map<?, ?> m && m.containsKey("status") ? m.get("status") : output;
    }

    /** What a string, regex or jsonpath tolerance reads: the stdout, the body, the answer itself. */
    Object text(Object output);

    /** What a range tolerance reads. */
    default Object sample(Object output) {
        return text(output);
    }

    /** The value the journal's table and the report show for a run: the status, or a Prometheus sample. */
    default Object shown(Object output) {
        return status(output);
    }

    /** {@code output.key} when the output has it, else the output itself. */
    static Object field(Object output, String key) {
        return output instanceof Map<?, ?> m && m.containsKey(key) ? m.get(key) : output;
    }
}
