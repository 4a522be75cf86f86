package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.ApacheHttpHooks;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.Pause;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * {@code on=http-client} for Apache HttpClient 5 classic ({@code org.apache.hc.client5}), reached by reflection in
 * the class loader of the request at hand, never linked. An error rule answers before the exec chain: HttpClient's
 * own {@code CloseableHttpResponse} around a {@code BasicClassicHttpResponse} (status with its standard reason
 * phrase, headers, a repeatable body), or the {@code IOException} a refused connection gives. A latency rule holds
 * the call before it goes on.
 */
final class ApacheHttpClientFaults implements ApacheHttpHooks.Dispatch {
    private static final ClassValue<ApacheApi> API = new ClassValue<>() {
        @Override
        protected ApacheApi computeValue(Class<?> type) {
            return new ApacheApi(type.getClassLoader());
        }
    };

    @Override
    public Object execute(FaultRule[] rules, Object target, Object request) {
        try {
            if (Exemption.isAgentThread()) return null;
            ApacheApi api = API.get(request.getClass());
            String method = (String) api.getMethod.invoke(request);
            URI uri = (URI) api.getUri.invoke(request);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String scheme = target != null ? (String) api.schemeName.invoke(target) : uri.getScheme();
            String host = target != null ? (String) api.hostName.invoke(target) : uri.getHost();
            int port = target != null ? (int) api.port.invoke(target) : uri.getPort();
            if (port < 0) port = "https".equalsIgnoreCase(scheme) ? 443 : 80;
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(method, path, host, port) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    Pause.delay(rule, rule.delayNanos());
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    return api.response(status);
                } else {
                    return failure(rule, method, uri, scheme, host, port);
                }
            }
        } catch (Throwable t) {
            InternalErrors.report(t);
        }
        return null;
    }

    /**
     * What a failure rule throws in either client (classic and async): by default HttpClient's own words for a
     * refused connection (its HttpHostConnectException is a ConnectException), else the rule's exception.
     */
    static Throwable failure(FaultRule rule, String method, URI uri, String scheme, String host, int port) {
        ThrowableFactory f = rule.exceptions();
        if (f.isHookDefault()) {
            return new ConnectException(
                    f.messageOr("Connect to " + scheme + "://" + host + ":" + port + " failed: Connection refused"));
        }
        return f.create("injected by faultline " + rule.id() + ": " + method + " " + uri);
    }

    /** The members of one HttpClient copy; a renamed member fails here, reported per call, never thrown. */
    private static final class ApacheApi {
        final Method getMethod;
        final Method getUri;
        final Method schemeName;
        final Method hostName;
        final Method port;
        final Constructor<?> newResponse;
        final Method addHeader;
        final Method setEntity;
        final Constructor<?> newEntity;
        final Method parseContentType;
        final Method adapt;

        ApacheApi(ClassLoader loader) {
            try {
                Class<?> request = type(loader, "org.apache.hc.core5.http.HttpRequest");
                Class<?> host = type(loader, "org.apache.hc.core5.http.HttpHost");
                Class<?> response = type(loader, "org.apache.hc.core5.http.message.BasicClassicHttpResponse");
                Class<?> contentType = type(loader, "org.apache.hc.core5.http.ContentType");
                Class<?> entity = type(loader, "org.apache.hc.core5.http.HttpEntity");
                getMethod = request.getMethod("getMethod");
                getUri = request.getMethod("getUri");
                schemeName = host.getMethod("getSchemeName");
                hostName = host.getMethod("getHostName");
                port = host.getMethod("getPort");
                newResponse = response.getConstructor(int.class);
                addHeader = response.getMethod("addHeader", String.class, Object.class);
                setEntity = response.getMethod("setEntity", entity);
                newEntity = type(loader, "org.apache.hc.core5.http.io.entity.ByteArrayEntity")
                        .getConstructor(byte[].class, contentType);
                parseContentType = contentType.getMethod("parse", CharSequence.class);
                adapt = type(loader, "org.apache.hc.client5.http.impl.classic.CloseableHttpResponse")
                        .getMethod("adapt", type(loader, "org.apache.hc.core5.http.ClassicHttpResponse"));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "Apache HttpClient in " + loader + " lacks a member the HttpClient hook uses", e);
            }
        }

        Object response(Effect.HttpStatus status) throws ReflectiveOperationException {
            Object r = newResponse.newInstance(status.status());
            String contentType = null;
            for (int i = 0; i < status.headers().size(); i++) {
                String name = status.headerName(i);
                if (name.equalsIgnoreCase("Content-Type")) contentType = status.headerValue(i);
                // the entity carries the body's length and type, as a received response's does
                if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Content-Type")) continue;
                addHeader.invoke(r, name, status.headerValue(i));
            }
            if (status.body() != null) {
                if (contentType == null) contentType = "text/plain; charset=UTF-8";
                byte[] bytes = status.body().getBytes(StandardCharsets.UTF_8);
                setEntity.invoke(r, newEntity.newInstance(bytes, parseContentType.invoke(null, contentType)));
            }
            return adapt.invoke(null, r);
        }

        private static Class<?> type(ClassLoader loader, String name) throws ClassNotFoundException {
            return Class.forName(name, false, loader);
        }
    }
}
