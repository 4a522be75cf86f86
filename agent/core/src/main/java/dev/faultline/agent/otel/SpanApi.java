package dev.faultline.agent.otel;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.Hook;
import dev.faultline.agent.bootstrap.InternalErrors;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * One copy of the OpenTelemetry trace API (the application's, or the OpenTelemetry Java agent's relocated one), used
 * through method handles resolved once: the agent has no compile-time dependency on OpenTelemetry, and each copy is
 * a different set of classes. Calls only what the API has had since 1.0: {@code Span.current()},
 * {@code isRecording()}, {@code addEvent(String, Attributes)} and an {@code AttributesBuilder}.
 */
final class SpanApi {
    static final String EVENT = "faultline.fault";
    static final String RULE_ID = "faultline.rule.id";
    static final String ACTION = "faultline.action";
    static final String HOOK = "faultline.hook";
    static final String SPEC = "faultline.spec";

    private final String origin;
    private final MethodHandle current; // () -> Span
    private final MethodHandle isRecording; // (Span) -> boolean
    private final MethodHandle addEvent; // (Span, String, Attributes) -> Span
    private final MethodHandle builder; // () -> AttributesBuilder
    private final MethodHandle put; // (AttributesBuilder, String, String) -> AttributesBuilder
    private final MethodHandle build; // (AttributesBuilder) -> Attributes
    private volatile boolean broken;

    /** The API whose {@code Span} interface is {@code span}; its sibling types come from the same loader. */
    SpanApi(Class<?> span, String origin) throws ReflectiveOperationException {
        this.origin = origin;
        String base = span.getName().substring(0, span.getName().length() - "trace.Span".length());
        ClassLoader loader = span.getClassLoader();
        Class<?> attributes = Class.forName(base + "common.Attributes", false, loader);
        Class<?> attributesBuilder = Class.forName(base + "common.AttributesBuilder", false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodType toObject = MethodType.methodType(Object.class);
        current =
                lookup.findStatic(span, "current", MethodType.methodType(span)).asType(toObject);
        isRecording = lookup.findVirtual(span, "isRecording", MethodType.methodType(boolean.class))
                .asType(MethodType.methodType(boolean.class, Object.class));
        addEvent = lookup.findVirtual(span, "addEvent", MethodType.methodType(span, String.class, attributes))
                .asType(MethodType.methodType(Object.class, Object.class, String.class, Object.class));
        builder = lookup.findStatic(attributes, "builder", MethodType.methodType(attributesBuilder))
                .asType(toObject);
        put = lookup.findVirtual(
                        attributesBuilder, "put", MethodType.methodType(attributesBuilder, String.class, String.class))
                .asType(MethodType.methodType(Object.class, Object.class, String.class, String.class));
        build = lookup.findVirtual(attributesBuilder, "build", MethodType.methodType(attributes))
                .asType(MethodType.methodType(Object.class, Object.class));
    }

    /** Where this copy of the API was found, for the log. */
    String origin() {
        return origin;
    }

    /**
     * Adds the {@value #EVENT} event to the span current on this thread, if one is recording. The span's status is
     * left to whoever sees the injected failure (the library's instrumentation, the service), as for a real one.
     */
    void record(FaultRule rule) {
        if (broken) return;
        try {
            addEvent(rule);
        } catch (Throwable t) {
            // the API never throws by design: this copy is broken (a half-present class path, a failed class
            // initialisation that would fail again at every call, costing a thrown exception per injection)
            broken = true;
            InternalErrors.report(t);
        }
    }

    private void addEvent(FaultRule rule) throws Throwable {
        Object span = current.invokeExact();
        if (!(boolean) isRecording.invokeExact(span)) return;
        Object ignored = addEvent.invokeExact(span, EVENT, attributes(rule));
    }

    /** The event's attributes: fixed per rule, so built once per rule and API and kept with the rule. */
    private Object attributes(FaultRule rule) throws Throwable {
        if (rule.listenerMemo() instanceof Memo m && m.api == this) return m.attributes;
        Hook hook = rule.where().hook();
        String hookWord =
                hook == null ? "process" : hook.word(); // a local: a conditional argument would type as Object
        Object b = builder.invokeExact();
        b = put.invokeExact(b, RULE_ID, rule.id());
        b = put.invokeExact(b, ACTION, rule.action().word());
        b = put.invokeExact(b, HOOK, hookWord);
        b = put.invokeExact(b, SPEC, rule.spec().canonical());
        Object attributes = build.invokeExact(b);
        rule.listenerMemo(new Memo(this, attributes));
        return attributes;
    }

    private record Memo(SpanApi api, Object attributes) {}
}
