package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;

/**
 * {@code on=http-server} for Reactor Netty's {@code HttpServer} (and so Spring WebFlux on Reactor Netty), reached by
 * reflection in the class loader of the server at hand, under any package prefix (a relocated copy too). Both faults
 * act where the server applies its handler to a received request:
 *
 * <ul>
 *   <li>an error rule applies, in the handler's place, an answer of the server's own API ({@code status}, headers,
 *       {@code sendByteArray(Mono.just(body))}) through a handle of the server's own class, so everything around the
 *       handler (its context, the dispose subscriber, the access log, metrics, keep-alive) is the server's;
 *   <li>a latency rule applies the handler {@code delay=} later, from a task on the connection's event loop: the loop
 *       serves other connections meanwhile, never parked; the rule removed, cleared or expired ends the wait early
 *       ({@link LatencyTimer}).
 * </ul>
 */
final class ReactorNettyServerFaults {
    static final String HANDLE = "reactor.netty.http.server.HttpServer$HttpServerHandle";

    /** Reactor Netty's types and members, per copy (found through the class of the handle at hand). */
    private static final ClassValue<ServerApi> API = new ClassValue<>() {
        @Override
        protected ServerApi computeValue(Class<?> type) {
            return new ServerApi(type);
        }
    };

    /** Set while the hook itself applies a handler through the handle: that call is not a new request. */
    private static final ThreadLocal<Boolean> APPLYING = new ThreadLocal<>();

    private ReactorNettyServerFaults() {}

    static boolean state(FaultRule[] rules, Object handle, Object connection, Object state) {
        try {
            if (!(state instanceof Enum<?> e) || !e.name().equals("REQUEST_RECEIVED")) return false;
            if (APPLYING.get() != null) return false;
            ServerApi api = API.get(handle.getClass());
            if (!api.request.isInstance(connection)) return false;
            int localPort = api.localPort(connection);
            if (Exemption.isExempt(localPort)) return false;
            String verb = api.verb(connection);
            String path = (String) api.fullPath.invoke(connection);
            long delay = 0;
            List<FaultRule> delaying = new ArrayList<>(1);
            Effect.HttpStatus answer = null;
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(verb, path, null, localPort) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    delay += rule.delayNanos();
                    delaying.add(rule);
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    answer = status;
                    break;
                }
            }
            if (answer == null && delay <= 0) return false;
            Object applied = answer == null ? handle : api.answering(answer);
            if (delay <= 0) {
                api.apply(applied, connection, state);
            } else {
                LatencyTimer.start(api.eventLoop(connection), delaying, delay, () -> {
                    try {
                        api.apply(applied, connection, state);
                    } catch (Throwable t) {
                        InternalErrors.report(t);
                    }
                });
            }
            return true;
        } catch (Throwable t) {
            // nothing was applied: the server's own handler runs
            InternalErrors.report(t);
            return false;
        }
    }

    /** The members of one Reactor Netty copy; a missing member fails here, reported once per request, never thrown. */
    private static final class ServerApi {
        final Class<?> request;
        final Method method;
        final Method methodName;
        final Method fullPath;
        final Method connectionHostAddress;
        final Method channel;
        final Method eventLoop;
        final Method onStateChange;
        final Constructor<?> newHandle;
        final Method status;
        final Method addHeader;
        final Method sendByteArray;
        final Method monoJust;

        ServerApi(Class<?> handle) {
            String name = handle.getName();
            String prefix = name.substring(0, name.length() - HANDLE.length());
            ClassLoader loader = handle.getClassLoader();
            try {
                request = Class.forName(prefix + "reactor.netty.http.server.HttpServerRequest", false, loader);
                method = request.getMethod("method");
                methodName = method.getReturnType().getMethod("name");
                fullPath = request.getMethod("fullPath");
                connectionHostAddress = request.getMethod("connectionHostAddress");
                Class<?> connection = Class.forName(prefix + "reactor.netty.Connection", false, loader);
                channel = connection.getMethod("channel");
                eventLoop = channel.getReturnType().getMethod("eventLoop");
                Class<?> observer = Class.forName(prefix + "reactor.netty.ConnectionObserver", false, loader);
                Class<?> state = Class.forName(prefix + "reactor.netty.ConnectionObserver$State", false, loader);
                onStateChange = observer.getMethod("onStateChange", connection, state);
                newHandle = handle.getDeclaredConstructor(BiFunction.class);
                newHandle.setAccessible(true);
                Class<?> response =
                        Class.forName(prefix + "reactor.netty.http.server.HttpServerResponse", false, loader);
                status = response.getMethod("status", int.class);
                addHeader = response.getMethod("addHeader", CharSequence.class, CharSequence.class);
                sendByteArray = oneArgument(response, "sendByteArray");
                monoJust = mono(prefix, loader).getMethod("just", Object.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("Reactor Netty in " + loader + " lacks a member the hook uses", e);
            }
        }

        /** reactor-core next to Reactor Netty, relocated with it or not. */
        private static Class<?> mono(String prefix, ClassLoader loader) throws ClassNotFoundException {
            try {
                return Class.forName(prefix + "reactor.core.publisher.Mono", false, loader);
            } catch (ClassNotFoundException e) {
                return Class.forName("reactor.core.publisher.Mono", false, loader);
            }
        }

        private static Method oneArgument(Class<?> type, String name) throws NoSuchMethodException {
            for (Method m : type.getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 1) return m;
            }
            throw new NoSuchMethodException(type.getName() + "." + name);
        }

        String verb(Object request) throws ReflectiveOperationException {
            return (String) methodName.invoke(method.invoke(request));
        }

        /** The server's own port; -1 on a Unix domain socket (no {@code port=} rule matches it). */
        int localPort(Object request) throws ReflectiveOperationException {
            return connectionHostAddress.invoke(request) instanceof InetSocketAddress a ? a.getPort() : -1;
        }

        ScheduledExecutorService eventLoop(Object connection) throws ReflectiveOperationException {
            return (ScheduledExecutorService) eventLoop.invoke(channel.invoke(connection));
        }

        /** A handle of the server's own class whose handler is the rule's answer. */
        Object answering(Effect.HttpStatus answer) throws ReflectiveOperationException {
            BiFunction<Object, Object, Object> respond = (req, res) -> respond(res, answer);
            return newHandle.newInstance(respond);
        }

        /** The handle applies its handler, exactly as for a request it has just received. */
        void apply(Object handle, Object connection, Object state) throws Throwable {
            APPLYING.set(Boolean.TRUE);
            try {
                onStateChange.invoke(handle, connection, state);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                APPLYING.remove();
            }
        }

        /**
         * What a handler answering the rule's response returns; Reactor Netty sets {@code Content-Length} for a
         * {@code Mono} body. A failure here is the handler's: the server logs it and closes the connection.
         */
        private Object respond(Object response, Effect.HttpStatus answer) {
            try {
                status.invoke(response, answer.status());
                boolean typed = false;
                for (int i = 0; i < answer.headers().size(); i++) {
                    addHeader.invoke(response, answer.headerName(i), answer.headerValue(i));
                    typed |= answer.headerName(i).equalsIgnoreCase("Content-Type");
                }
                byte[] body =
                        answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
                if (body.length > 0 && !typed) addHeader.invoke(response, "Content-Type", "text/plain; charset=utf-8");
                return sendByteArray.invoke(response, monoJust.invoke(null, (Object) body));
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("injected answer failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("injected answer failed", e);
            }
        }
    }
}
