package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.OkHttpHooks;
import dev.faultline.agent.bootstrap.Pause;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;

/**
 * {@code on=http-client} for OkHttp (4.x and 5.x, {@code okhttp3}). OkHttp is reached by reflection in the class
 * loader of the call at hand, never linked. An error rule answers before any interceptor runs: a {@code Response}
 * built with OkHttp's own builder (status, headers, body; the request it answers), or the {@code IOException} a
 * refused connection gives ({@code execute} throws it, {@code enqueue} passes it to {@code onFailure}). A latency
 * rule holds the call before it goes on.
 */
final class OkHttpFaults implements OkHttpHooks.Dispatch {
    /** OkHttp's types and members, per class loader (found through the class of the call at hand). */
    private static final ClassValue<OkHttpApi> API = new ClassValue<>() {
        @Override
        protected OkHttpApi computeValue(Class<?> type) {
            return new OkHttpApi(type.getClassLoader());
        }
    };

    @Override
    public Object call(FaultRule[] rules, Object call) {
        try {
            if (Exemption.isAgentThread()) return null;
            OkHttpApi api = API.get(call.getClass());
            Object request = api.request.invoke(call);
            Object url = api.url.invoke(request);
            String method = (String) api.method.invoke(request);
            String path = (String) api.encodedPath.invoke(url);
            String host = (String) api.host.invoke(url);
            int port = (int) api.port.invoke(url);
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(method, path, host, port) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    Pause.delay(rule, rule.delayNanos());
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    return api.response(request, status);
                } else {
                    return failure(rule, method, url, host, port);
                }
            }
        } catch (Throwable t) {
            InternalErrors.report(t);
        }
        return null;
    }

    private static Throwable failure(FaultRule rule, String method, Object url, String host, int port) {
        ThrowableFactory f = rule.exceptions();
        // OkHttp's own words for a refused connection
        if (f.isHookDefault()) return new ConnectException(f.messageOr("Failed to connect to " + host + ":" + port));
        return f.create("injected by faultline " + rule.id() + ": " + method + " " + url);
    }

    /** The reason phrase a server sends with the common error statuses; OkHttp shows it as {@code message()}. */
    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }

    /** The members of one OkHttp copy; a member that OkHttp renamed fails here, reported per call, never thrown. */
    private static final class OkHttpApi {
        final Method request;
        final Method url;
        final Method method;
        final Method encodedPath;
        final Method host;
        final Method port;
        final Class<?> builder;
        final Method builderRequest;
        final Method protocol;
        final Object http11;
        final Method code;
        final Method message;
        final Method addHeader;
        final Method body;
        final Method createBody;
        final Method parseMediaType;
        final Method sentAt;
        final Method receivedAt;
        final Method build;

        OkHttpApi(ClassLoader loader) {
            try {
                Class<?> requestType = type(loader, "okhttp3.Request");
                Class<?> urlType = type(loader, "okhttp3.HttpUrl");
                Class<?> protocolType = type(loader, "okhttp3.Protocol");
                Class<?> mediaType = type(loader, "okhttp3.MediaType");
                Class<?> bodyType = type(loader, "okhttp3.ResponseBody");
                request = type(loader, "okhttp3.Call").getMethod("request");
                url = requestType.getMethod("url");
                method = requestType.getMethod("method");
                encodedPath = urlType.getMethod("encodedPath");
                host = urlType.getMethod("host");
                port = urlType.getMethod("port");
                builder = type(loader, "okhttp3.Response$Builder");
                builderRequest = builder.getMethod("request", requestType);
                protocol = builder.getMethod("protocol", protocolType);
                http11 = protocolType.getField("HTTP_1_1").get(null);
                code = builder.getMethod("code", int.class);
                message = builder.getMethod("message", String.class);
                addHeader = builder.getMethod("addHeader", String.class, String.class);
                body = builder.getMethod("body", bodyType);
                createBody = bodyType.getMethod("create", byte[].class, mediaType);
                parseMediaType = mediaType.getMethod("parse", String.class);
                sentAt = builder.getMethod("sentRequestAtMillis", long.class);
                receivedAt = builder.getMethod("receivedResponseAtMillis", long.class);
                build = builder.getMethod("build");
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("OkHttp in " + loader + " lacks a member the OkHttp hook uses", e);
            }
        }

        Object response(Object req, Effect.HttpStatus status) throws ReflectiveOperationException {
            byte[] bytes = status.body() == null ? new byte[0] : status.body().getBytes(StandardCharsets.UTF_8);
            Object b = builder.getConstructor().newInstance();
            builderRequest.invoke(b, req);
            protocol.invoke(b, http11);
            code.invoke(b, status.status());
            message.invoke(b, reason(status.status()));
            String contentType = null;
            boolean contentLength = false;
            for (int i = 0; i < status.headers().size(); i++) {
                String name = status.headerName(i);
                addHeader.invoke(b, name, status.headerValue(i));
                if (name.equalsIgnoreCase("Content-Type")) contentType = status.headerValue(i);
                contentLength |= name.equalsIgnoreCase("Content-Length");
            }
            // as a server's response carries them
            if (!contentLength) addHeader.invoke(b, "Content-Length", Integer.toString(bytes.length));
            if (contentType == null && status.body() != null) {
                contentType = "text/plain; charset=utf-8";
                addHeader.invoke(b, "Content-Type", contentType);
            }
            Object media = contentType == null ? null : parseMediaType.invoke(null, contentType);
            body.invoke(b, createBody.invoke(null, bytes, media));
            long now = System.currentTimeMillis();
            sentAt.invoke(b, now);
            receivedAt.invoke(b, now);
            return build.invoke(b);
        }

        private static Class<?> type(ClassLoader loader, String name) throws ClassNotFoundException {
            return Class.forName(name, false, loader);
        }
    }
}
