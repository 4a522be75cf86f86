package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.Pause;
import dev.faultline.agent.bootstrap.UndertowHooks;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code on=http-server} for Undertow's own server API ({@code HttpHandler}, {@code HttpServerExchange}), below any
 * framework on it. Undertow is reached by reflection in the class loader of the exchange at hand, never linked. The
 * root handler is replaced for a judged request: an error rule's handler answers through the exchange as a handler
 * would (status, headers, the response sender), so Undertow ends the exchange, keeps the connection alive and runs
 * its exchange-completion listeners (an access log) as after any handler; a latency rule's handler moves the request
 * to Undertow's worker pool, as a blocking handler would, and delays it there, never holding an I/O thread that other
 * connections share. A request is judged once: the dispatches that re-enter the root handler pass.
 */
final class UndertowFaults implements UndertowHooks.Dispatch {
    static final String CONNECTORS = "io.undertow.server.Connectors";

    /** Undertow's members, per class loader (found through the class of the exchange at hand). */
    private static final ClassValue<UndertowApi> API = new ClassValue<>() {
        @Override
        protected UndertowApi computeValue(Class<?> type) {
            return new UndertowApi(type.getClassLoader());
        }
    };

    @Override
    public Object rootHandler(FaultRule[] rules, Object handler, Object exchange) {
        try {
            UndertowApi api = API.get(exchange.getClass());
            if (api.getAttachment.invoke(exchange, api.judged) != null) return handler;
            api.putAttachment.invoke(exchange, api.judged, Boolean.TRUE);
            int localPort = ((InetSocketAddress) api.destinationAddress.invoke(exchange)).getPort();
            if (Exemption.isExempt(localPort)) return handler;
            String verb = api.requestMethod.invoke(exchange).toString();
            String path = (String) api.requestPath.invoke(exchange);
            List<FaultRule> delays = null;
            Effect.HttpStatus answer = null;
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(verb, path, null, localPort) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    if (delays == null) delays = new ArrayList<>(1);
                    delays.add(rule);
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    answer = status;
                    break;
                }
            }
            Object target = answer == null ? handler : api.handler(new Answer(api, answer, verb));
            return delays == null ? target : api.handler(new Delayed(api, delays, target));
        } catch (Throwable t) {
            InternalErrors.report(t);
            return handler;
        }
    }

    /** An {@code HttpHandler}'s {@code handleRequest(exchange)}; the handler's other methods are Object's. */
    private abstract static class HandlerCall implements InvocationHandler {
        @Override
        public final Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            return switch (method.getName()) {
                case "handleRequest" -> {
                    handleRequest(proxy, args[0]);
                    yield null;
                }
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "faultline " + getClass().getSimpleName();
                default -> throw new UnsupportedOperationException(method.toString());
            };
        }

        abstract void handleRequest(Object self, Object exchange) throws Throwable;
    }

    /** A latency rule's handler: on a worker thread, after the delay, the handler it holds. */
    private static final class Delayed extends HandlerCall {
        private final UndertowApi api;
        private final List<FaultRule> rules;
        private final Object target;

        Delayed(UndertowApi api, List<FaultRule> rules, Object target) {
            this.api = api;
            this.rules = rules;
            this.target = target;
        }

        @Override
        void handleRequest(Object self, Object exchange) throws Throwable {
            if ((boolean) api.isInIoThread.invoke(exchange)) {
                // Undertow runs this handler again from its worker pool once the I/O thread's call returns
                api.dispatch.invoke(exchange, self);
                return;
            }
            for (FaultRule rule : rules) Pause.delay(rule, rule.delayNanos());
            api.call(api.handleRequest, target, exchange);
        }
    }

    /** An error rule's handler: the rule's status, headers and body, through the exchange. */
    private static final class Answer extends HandlerCall {
        private final UndertowApi api;
        private final Effect.HttpStatus answer;
        private final String verb;

        Answer(UndertowApi api, Effect.HttpStatus answer, String verb) {
            this.api = api;
            this.answer = answer;
            this.verb = verb;
        }

        @Override
        void handleRequest(Object self, Object exchange) throws Throwable {
            api.call(api.setStatusCode, exchange, answer.status());
            Object headers = api.call(api.responseHeaders, exchange);
            for (int i = 0; i < answer.headers().size(); i++) {
                api.call(api.headerAdd, headers, api.httpString(answer.headerName(i)), answer.headerValue(i));
            }
            String body = answer.body() == null ? "" : answer.body();
            boolean bodyless =
                    answer.status() == 204 || answer.status() == 304 || "HEAD".equalsIgnoreCase(verb) || body.isEmpty();
            // a bodyless answer: Undertow ends the exchange when this returns, with a Content-Length of 0
            if (bodyless) return;
            if (!(boolean) api.call(api.headerContains, headers, "Content-Type")) {
                api.call(api.headerAdd, headers, api.httpString("Content-Type"), "text/plain;charset=utf-8");
            }
            // the sender sets the Content-Length and ends the exchange once the body is written
            api.call(api.send, api.call(api.responseSender, exchange), body, StandardCharsets.UTF_8);
        }
    }

    /** The members of one Undertow copy; a missing member fails here, reported once per request, never thrown. */
    private static final class UndertowApi {
        final ClassLoader loader;
        final Class<?> httpHandler;
        final Object judged;
        final Method getAttachment;
        final Method putAttachment;
        final Method destinationAddress;
        final Method requestMethod;
        final Method requestPath;
        final Method isInIoThread;
        final Method dispatch;
        final Method handleRequest;
        final Method setStatusCode;
        final Method responseHeaders;
        final Method headerAdd;
        final Method headerContains;
        final Method responseSender;
        final Method send;
        final Constructor<?> httpStringOf;

        UndertowApi(ClassLoader loader) {
            this.loader = loader;
            try {
                Class<?> exchange = Class.forName("io.undertow.server.HttpServerExchange", false, loader);
                Class<?> attachmentKey = Class.forName("io.undertow.util.AttachmentKey", false, loader);
                Class<?> headerMap = Class.forName("io.undertow.util.HeaderMap", false, loader);
                Class<?> httpStringType = Class.forName("io.undertow.util.HttpString", false, loader);
                Class<?> sender = Class.forName("io.undertow.io.Sender", false, loader);
                httpHandler = Class.forName("io.undertow.server.HttpHandler", false, loader);
                // one key per Undertow copy: whether this agent has judged the exchange's request
                judged = attachmentKey.getMethod("create", Class.class).invoke(null, Boolean.class);
                getAttachment = exchange.getMethod("getAttachment", attachmentKey);
                putAttachment = exchange.getMethod("putAttachment", attachmentKey, Object.class);
                destinationAddress = exchange.getMethod("getDestinationAddress");
                requestMethod = exchange.getMethod("getRequestMethod");
                requestPath = exchange.getMethod("getRequestPath");
                isInIoThread = exchange.getMethod("isInIoThread");
                dispatch = exchange.getMethod("dispatch", httpHandler);
                handleRequest = httpHandler.getMethod("handleRequest", exchange);
                setStatusCode = exchange.getMethod("setStatusCode", int.class);
                responseHeaders = exchange.getMethod("getResponseHeaders");
                headerAdd = headerMap.getMethod("add", httpStringType, String.class);
                headerContains = headerMap.getMethod("contains", String.class);
                responseSender = exchange.getMethod("getResponseSender");
                send = sender.getMethod("send", String.class, Charset.class);
                httpStringOf = httpStringType.getConstructor(String.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Undertow in " + loader + " lacks a member the hook uses", e);
            }
        }

        /** A handler of this Undertow copy's {@code HttpHandler} type that does what {@code call} does. */
        Object handler(HandlerCall call) {
            return Proxy.newProxyInstance(loader, new Class<?>[] {httpHandler}, call);
        }

        Object httpString(String s) throws ReflectiveOperationException {
            return httpStringOf.newInstance(s);
        }

        /** Calls the member; what it throws is thrown as is, as from the handler it stands for. */
        Object call(Method m, Object target, Object... args) throws Throwable {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
