package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.Pause;
import dev.faultline.agent.bootstrap.ServletHooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * {@code on=http-server} for Servlet containers (Tomcat, Jetty), through the servlet API only: Jakarta
 * ({@code jakarta.servlet}, Servlet 5+) and Java EE ({@code javax.servlet}, Servlet 3.1 and 4). The API is reached by
 * reflection in the class loader of the request at hand, never linked, so one agent serves every container and web
 * application in the process. Undertow's servlet requests are left to {@link UndertowFaults}, which judged them first. A latency rule delays before the servlet; an error rule answers
 * through the response as a servlet would ({@code setStatus}, headers, body), not {@code sendError}, whose error page
 * would replace the rule's body: the container's valves and filters, its access log and keep-alive see a servlet's
 * ordinary response. Only a request's first dispatch is acted on, not its forwards, includes or error dispatches.
 */
final class ServletFaults implements ServletHooks.Dispatch {
    private static final String UNDERTOW_SERVLET = "io.undertow.servlet.";

    /** The servlet API's members, per class loader (found through the class of the request at hand). */
    private static final ClassValue<ServletApi> API = new ClassValue<>() {
        @Override
        protected ServletApi computeValue(Class<?> type) {
            return ServletApi.of(type);
        }
    };

    @Override
    public boolean service(FaultRule[] rules, Object request, Object response) throws IOException {
        ServletApi api;
        Effect.HttpStatus answer = null;
        try {
            api = API.get(request.getClass());
            if (!api.httpRequest.isInstance(request) || !api.httpResponse.isInstance(response)) return false;
            // Undertow's servlet layer runs below its own root handler, where UndertowFaults judged the request
            if (request.getClass().getName().startsWith(UNDERTOW_SERVLET)) return false;
            if (!"REQUEST".equals(api.dispatcherType.invoke(request).toString())) return false;
            int localPort = (int) api.localPort.invoke(request);
            if (Exemption.isExempt(localPort)) return false;
            String verb = (String) api.method.invoke(request);
            String path = (String) api.requestUri.invoke(request);
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(verb, path, null, localPort) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    Pause.delay(rule, rule.delayNanos());
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    answer = status;
                    break;
                }
            }
            if (answer == null) return false;
        } catch (Throwable t) {
            InternalErrors.report(t);
            return false;
        }
        // an IOException here is the peer's (gone): the container handles it as a servlet's
        api.respond(request, response, answer);
        return true;
    }

    /** The members of one servlet API copy; a missing member fails here, reported once per request, never thrown. */
    private static final class ServletApi {
        static final long DRAIN_LIMIT = 64 * 1024;
        static final String[] PACKAGES = {"jakarta.servlet", "javax.servlet"};
        final Class<?> httpRequest;
        final Class<?> httpResponse;
        final Method dispatcherType;
        final Method localPort;
        final Method method;
        final Method requestUri;
        final Method contentLength;
        final Method inputStream;
        final Method setStatus;
        final Method addHeader;
        final Method containsHeader;
        final Method setContentType;
        final Method setContentLength;
        final Method outputStream;

        /** The API that the request type implements: a container may load both, each for its own applications. */
        static ServletApi of(Class<?> requestType) {
            ClassLoader loader = requestType.getClassLoader();
            for (String api : PACKAGES) {
                try {
                    Class<?> request = Class.forName(api + ".http.HttpServletRequest", false, loader);
                    if (request.isAssignableFrom(requestType)) return new ServletApi(api, loader);
                } catch (ClassNotFoundException e) {
                    // not this API in that loader: try the other
                }
            }
            throw new IllegalStateException(requestType + " implements neither servlet API's HttpServletRequest");
        }

        ServletApi(String api, ClassLoader loader) {
            try {
                httpRequest = Class.forName(api + ".http.HttpServletRequest", false, loader);
                httpResponse = Class.forName(api + ".http.HttpServletResponse", false, loader);
                dispatcherType = httpRequest.getMethod("getDispatcherType");
                localPort = httpRequest.getMethod("getLocalPort");
                method = httpRequest.getMethod("getMethod");
                requestUri = httpRequest.getMethod("getRequestURI");
                contentLength = httpRequest.getMethod("getContentLengthLong");
                inputStream = httpRequest.getMethod("getInputStream");
                setStatus = httpResponse.getMethod("setStatus", int.class);
                addHeader = httpResponse.getMethod("addHeader", String.class, String.class);
                containsHeader = httpResponse.getMethod("containsHeader", String.class);
                setContentType = httpResponse.getMethod("setContentType", String.class);
                setContentLength = httpResponse.getMethod("setContentLength", int.class);
                outputStream = httpResponse.getMethod("getOutputStream");
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the servlet API in " + loader + " lacks a member the hook uses", e);
            }
        }

        void respond(Object request, Object response, Effect.HttpStatus answer) throws IOException {
            try {
                // a small request body is read, as the servlet would have: a container that finds it unread closes
                // the connection (Jetty), so keep-alive holds; a large or chunked one is left to the container
                long length = (long) contentLength.invoke(request);
                if (length > 0 && length <= DRAIN_LIMIT) ((InputStream) inputStream.invoke(request)).readAllBytes();
                setStatus.invoke(response, answer.status());
                for (int i = 0; i < answer.headers().size(); i++) {
                    addHeader.invoke(response, answer.headerName(i), answer.headerValue(i));
                }
                byte[] body =
                        answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
                boolean bodyless = answer.status() == 204
                        || answer.status() == 304
                        || "HEAD".equalsIgnoreCase((String) method.invoke(request))
                        || body.length == 0;
                if (answer.status() != 204 && answer.status() != 304) {
                    setContentLength.invoke(response, bodyless ? 0 : body.length);
                }
                if (bodyless) return;
                if (!(boolean) containsHeader.invoke(response, "Content-Type")) {
                    setContentType.invoke(response, "text/plain;charset=utf-8");
                }
                OutputStream out = (OutputStream) outputStream.invoke(response);
                out.write(body); // the container completes and flushes the response, as after a servlet
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof IOException io) throw io;
                InternalErrors.report(e.getCause());
            } catch (IllegalAccessException e) {
                InternalErrors.report(e);
            }
        }
    }
}
