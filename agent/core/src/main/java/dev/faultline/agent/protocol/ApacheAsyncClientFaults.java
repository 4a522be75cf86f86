package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.ApacheHttpHooks;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * {@code on=http-client} for Apache HttpClient 5 async ({@code CloseableHttpAsyncClient} from {@code HttpAsyncClients}:
 * its HTTP/1.1 and HTTP/2 clients), reached by reflection in the class loader of the request at hand, never linked.
 * An error rule answers through the request's own exec callback, before the exec chain: HttpClient's
 * {@code BasicHttpResponse} (status, headers, {@code Content-Type} and {@code Content-Length} of the body) handed to
 * the caller's response consumer, then the body as its data, then completion, as the client does with a received
 * response; or the callback fails with the {@code IOException} a refused connection gives. Either way the caller's
 * future and {@code FutureCallback} complete before {@code execute} returns. A latency rule hands the request to the
 * client's own scheduler (the one its retries use), so no thread waits; a request is judged once per execution, not
 * again when it comes back from the scheduler or a retry.
 */
final class ApacheAsyncClientFaults implements ApacheHttpHooks.AsyncDispatch {
    private static final ClassValue<AsyncApi> API = new ClassValue<>() {
        @Override
        protected AsyncApi computeValue(Class<?> type) {
            return new AsyncApi(type.getClassLoader());
        }
    };

    /** The executions (their {@code Scope}) already judged: their rescheduled or retried requests pass. */
    private final Set<Object> judged = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    @Override
    public boolean executeAsync(FaultRule[] rules, Object client, Object[] args) {
        try {
            if (Exemption.isAgentThread() || args.length < 4) return false;
            Object request = args[0];
            Object scope = args[2];
            Object callback = args[args.length - 1];
            if (!judged.add(scope)) return false;
            AsyncApi api = API.get(client.getClass());
            String method = (String) api.getMethod.invoke(request);
            URI uri = (URI) api.getUri.invoke(request);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String scheme = uri.getScheme();
            String host = uri.getHost();
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(scheme) ? 443 : 80;
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(method, path, host, port) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    api.schedule(args, rule.delayNanos() / 1_000_000L);
                    return true;
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    api.answer(callback, status);
                    return true;
                } else {
                    Throwable t = ApacheHttpClientFaults.failure(rule, method, uri, scheme, host, port);
                    // the callback takes an Exception; an Error is wrapped as the client wraps one from its I/O
                    api.failed.invoke(callback, t instanceof Exception e ? e : new RuntimeException(t));
                    return true;
                }
            }
        } catch (Throwable t) {
            InternalErrors.report(t);
        }
        return false;
    }

    /** The members of one HttpClient copy; a renamed member fails here, reported per call, never thrown. */
    private static final class AsyncApi {
        final ClassLoader loader;
        final Method getMethod;
        final Method getUri;
        final Field scheduler;
        final Method scheduleExecution;
        final Method timeValueOfMillis;
        final Method handleResponse;
        final Method completed;
        final Method failed;
        final Constructor<?> newResponse;
        final Method addHeader;
        final Constructor<?> newEntityDetails;
        final Method parseContentType;
        final Class<?> capacityChannel;
        final Method updateCapacity;
        final Method consume;
        final Method streamEnd;

        AsyncApi(ClassLoader loader) {
            this.loader = loader;
            try {
                Class<?> request = type("org.apache.hc.core5.http.HttpRequest");
                Class<?> scope = type("org.apache.hc.client5.http.async.AsyncExecChain$Scope");
                Class<?> callback = type("org.apache.hc.client5.http.async.AsyncExecCallback");
                Class<?> timeValue = type("org.apache.hc.core5.util.TimeValue");
                Class<?> schedulerType = type("org.apache.hc.client5.http.async.AsyncExecChain$Scheduler");
                Class<?> contentType = type("org.apache.hc.core5.http.ContentType");
                Class<?> entityDetails = type("org.apache.hc.core5.http.EntityDetails");
                Class<?> dataConsumer = type("org.apache.hc.core5.http.nio.AsyncDataConsumer");
                Class<?> response = type("org.apache.hc.core5.http.message.BasicHttpResponse");
                getMethod = request.getMethod("getMethod");
                getUri = request.getMethod("getUri");
                scheduler = scope.getField("scheduler");
                scheduleExecution = schedulerType.getMethod(
                        "scheduleExecution",
                        request,
                        type("org.apache.hc.core5.http.nio.AsyncEntityProducer"),
                        scope,
                        type("org.apache.hc.client5.http.async.AsyncExecChain"),
                        callback,
                        timeValue);
                timeValueOfMillis = timeValue.getMethod("ofMilliseconds", long.class);
                handleResponse = callback.getMethod(
                        "handleResponse", type("org.apache.hc.core5.http.HttpResponse"), entityDetails);
                completed = callback.getMethod("completed");
                failed = callback.getMethod("failed", Exception.class);
                newResponse = response.getConstructor(int.class);
                addHeader = response.getMethod("addHeader", String.class, Object.class);
                newEntityDetails = type("org.apache.hc.core5.http.impl.BasicEntityDetails")
                        .getConstructor(long.class, contentType);
                parseContentType = contentType.getMethod("parse", CharSequence.class);
                capacityChannel = type("org.apache.hc.core5.http.nio.CapacityChannel");
                updateCapacity = dataConsumer.getMethod("updateCapacity", capacityChannel);
                consume = dataConsumer.getMethod("consume", ByteBuffer.class);
                streamEnd = dataConsumer.getMethod("streamEnd", List.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "Apache HttpClient in " + loader + " lacks a member the async client hook uses", e);
            }
        }

        /** The request, {@code delay} ms later, through the client's own scheduler (executeImmediate's arguments). */
        void schedule(Object[] args, long delayMillis) throws ReflectiveOperationException {
            Object s = scheduler.get(args[2]);
            if (s == null) throw new IllegalStateException("the async client's scope has no scheduler");
            scheduleExecution.invoke(
                    s,
                    args[0],
                    args[1],
                    args[2],
                    args[3],
                    args[args.length - 1],
                    timeValueOfMillis.invoke(null, delayMillis));
        }

        /** A received response's course through the exec callback: head, body as data, end, completion. */
        void answer(Object callback, Effect.HttpStatus status) throws ReflectiveOperationException {
            Object r = newResponse.newInstance(status.status());
            String contentType = null;
            for (int i = 0; i < status.headers().size(); i++) {
                String name = status.headerName(i);
                if (name.equalsIgnoreCase("Content-Type")) contentType = status.headerValue(i);
                if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Content-Type")) continue;
                addHeader.invoke(r, name, status.headerValue(i));
            }
            byte[] body = status.body() == null ? null : status.body().getBytes(StandardCharsets.UTF_8);
            Object details = null;
            if (body != null) {
                if (contentType == null) contentType = "text/plain; charset=UTF-8";
                addHeader.invoke(r, "Content-Type", contentType);
                addHeader.invoke(r, "Content-Length", body.length);
                details = newEntityDetails.newInstance((long) body.length, parseContentType.invoke(null, contentType));
            }
            Object data = handleResponse.invoke(callback, r, details);
            if (data != null && body != null) {
                // the whole body is here: the consumer's capacity updates have nothing to release
                Object channel = Proxy.newProxyInstance(
                        loader, new Class<?>[] {capacityChannel}, (proxy, m, a) -> switch (m.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == a[0];
                            case "toString" -> "faultline capacity channel";
                            default -> null;
                        });
                updateCapacity.invoke(data, channel);
                consume.invoke(data, ByteBuffer.wrap(body));
                streamEnd.invoke(data, (Object) null);
            }
            completed.invoke(callback);
        }

        private Class<?> type(String name) throws ClassNotFoundException {
            return Class.forName(name, false, loader);
        }
    }
}
