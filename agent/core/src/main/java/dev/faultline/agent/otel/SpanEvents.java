package dev.faultline.agent.otel;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InjectionListener;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.fault.FaultRegistry;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts every injection on the trace: where the OpenTelemetry API is in the service, the span current on the
 * injecting thread gets a {@value SpanApi#EVENT} event naming the rule. The API is looked for only when a rule
 * fires: first the OpenTelemetry Java agent's copy (relocated under {@value #AGENT_PREFIX}, on the boot class path,
 * the one its instrumentations make spans current with), then the application's own ({@code opentelemetry-api} seen
 * from the thread's context class loader, else the system class loader). Without either nothing of OpenTelemetry is
 * loaded: a look-up that finds nothing defines no class, and its answer is kept, so later injections pay a volatile
 * read.
 */
public final class SpanEvents implements InjectionListener, FaultRegistry.Listener {
    static final String SPAN = "io.opentelemetry.api.trace.Span";
    static final String AGENT_PREFIX = "io.opentelemetry.javaagent.shaded.";
    private static final Logger log = LoggerFactory.getLogger(SpanEvents.class);
    private static final WeakReference<Class<?>> ABSENT = new WeakReference<>(null);
    /** Per copy of the API, keyed by its Span class: kept in the class itself, so it goes when its loader goes. */
    private static final ClassValue<Object> APIS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> span) {
            try {
                return new SpanApi(
                        span,
                        span.getClassLoader() == null
                                ? "the OpenTelemetry Java agent"
                                : "opentelemetry-api from " + span.getClassLoader());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return e; // an API without what we call, or half on the class path: logged once, then left alone
            }
        }
    };

    private volatile boolean agentLooked;
    private volatile SpanApi agentApi;
    /** The application's Span class per loader, or ABSENT; weak both ways so no loader is kept alive by us. */
    private final Map<ClassLoader, WeakReference<Class<?>>> spanByLoader = new WeakHashMap<>();

    private volatile boolean announced;
    private volatile LastLoader lastLoader;

    @Override
    public void injected(FaultRule rule) {
        SpanApi api = api();
        if (api != null) api.record(rule);
    }

    private SpanApi api() {
        if (!agentLooked) {
            agentApi = resolve(AGENT_PREFIX + SPAN, null);
            agentLooked = true;
        }
        if (agentApi != null) return agentApi;
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        LastLoader last = lastLoader;
        if (last != null && context != null && last.loader.get() == context) { // most threads share one loader
            if (last.api == null) return null;
            SpanApi known = last.api.get();
            if (known != null) return known;
        }
        SpanApi api = context == null ? null : resolve(SPAN, context);
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (api == null && context != system) api = resolve(SPAN, system);
        if (context != null)
            lastLoader = new LastLoader(new WeakReference<>(context), api == null ? null : new WeakReference<>(api));
        return api;
    }

    /**
     * What the last context loader led to, an API or none (null): the lock-free answer for the next injection. Weak, as
     * the map: the API lives as long as its Span class (in {@link #APIS}), so it is there while its loader is.
     */
    private record LastLoader(WeakReference<ClassLoader> loader, WeakReference<SpanApi> api) {}

    private SpanApi resolve(String spanName, ClassLoader loader) {
        Class<?> span;
        if (loader == null) {
            span = find(spanName, null);
        } else {
            WeakReference<Class<?>> known;
            synchronized (spanByLoader) {
                known = spanByLoader.get(loader);
            }
            if (known == null) {
                Class<?> found = find(spanName, loader);
                known = found == null ? ABSENT : new WeakReference<>(found);
                synchronized (spanByLoader) {
                    spanByLoader.put(loader, known);
                }
            }
            span = known.get();
        }
        if (span == null) return null;
        Object api = APIS.get(span);
        if (api instanceof SpanApi s) {
            if (!announced) {
                announced = true;
                log.info("injections are recorded on OpenTelemetry spans as {} events ({})", SpanApi.EVENT, s.origin());
            }
            return s;
        }
        InternalErrors.report((Throwable) api);
        return null;
    }

    private static Class<?> find(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** A new rule is a moment to look again: OpenTelemetry may have arrived since (attached later, a new loader). */
    @Override
    public void armed(FaultRule rule) {
        if (agentApi == null) agentLooked = false;
        lastLoader = null;
        synchronized (spanByLoader) {
            spanByLoader.values().removeIf(r -> r == ABSENT);
        }
    }

    @Override
    public void disarmed(FaultRule rule, String why) {}
}
