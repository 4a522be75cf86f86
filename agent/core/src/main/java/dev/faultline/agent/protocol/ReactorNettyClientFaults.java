package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * {@code on=http-client} for Reactor Netty's {@code HttpClient} (and so Spring's {@code WebClient} on it), reached by
 * reflection in the class loader of the client at hand, under any package prefix. It acts on a connection the client
 * has acquired, once the request is prepared and before any of it is written:
 *
 * <ul>
 *   <li>{@code error status=}: the request is marked sent (so nothing of it is ever written) and a Netty
 *       {@code FullHttpResponse} is handed to the pipeline right after the HTTP codec (HTTP/1.1) or the HTTP/2 stream's
 *       frame-to-HTTP codec (h2, h2c), as that codec hands a decoded one: the client's own {@code HttpClientResponse}
 *       carries it ({@code response}, {@code responseSingle}, {@code responseContent} …). Nothing went over the
 *       connection either way, so it goes back to the pool as healthy as it came; an HTTP/2 stream that never wrote
 *       its headers closes without a frame, so the connection's other streams go on;
 *   <li>{@code error} without {@code status=}: the request fails with a {@code ConnectException} (or
 *       {@code exception=}), nothing written;
 *   <li>{@code latency}: the request is written {@code delay=} later, or as soon as the rule is removed, cleared or
 *       expires ({@link LatencyTimer} on its own timer thread; no thread parked).
 * </ul>
 *
 * Either way the request's own publisher (which holds the body, e.g. a {@code Mono.just(ByteBuf)}) is subscribed to and
 * cancelled before it asks for anything, so Reactor Netty's own discard hook releases the body, as writing it would.
 */
final class ReactorNettyClientFaults {
    static final String HANDLER = "reactor.netty.http.client.HttpClientConnect$HttpClientHandler";
    static final String CODEC = "reactor.left.httpCodec";
    static final String H2_CODEC = "reactor.left.h2ToHttp11Codec";

    /** Reactor Netty's and Netty's members, per copy (found through the class of the operations at hand). */
    private static final ClassValue<ClientApi> API = new ClassValue<>() {
        @Override
        protected ClientApi computeValue(Class<?> type) {
            return new ClientApi(type);
        }
    };

    private ReactorNettyClientFaults() {}

    static Object request(FaultRule[] rules, Object operations, Object request) {
        try {
            if (Exemption.isAgentThread()) return request;
            ClientApi api = API.get(operations.getClass());
            String url = (String) api.resourceUrl.invoke(operations);
            if (url == null) return request;
            URI uri = URI.create(url);
            String host = uri.getHost();
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            String verb = (String) api.methodName.invoke(api.method.invoke(operations));
            String path = (String) api.fullPath.invoke(operations);
            long delay = 0;
            List<FaultRule> delaying = new ArrayList<>(1);
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(verb, path, host, port) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    delay += rule.delayNanos();
                    delaying.add(rule);
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    return api.later(delaying, delay, api.answer(operations, request, status));
                } else {
                    return api.later(
                            delaying, delay, api.failure(operations, request, failure(rule, verb, url, host, port)));
                }
            }
            return delay > 0 ? api.later(delaying, delay, request) : request;
        } catch (Throwable t) {
            InternalErrors.report(t);
            return request;
        }
    }

    private static Throwable failure(FaultRule rule, String verb, String url, String host, int port) {
        ThrowableFactory f = rule.exceptions();
        if (f.isHookDefault()) return new ConnectException(f.messageOr("Connection refused: " + host + ":" + port));
        return f.create("injected by faultline " + rule.id() + ": " + verb + " " + url);
    }

    /** The members of one Reactor Netty (and its Netty) copy; a missing member fails here, reported, never thrown. */
    private static final class ClientApi {
        final Method method;
        final Method methodName;
        final Method fullPath;
        final Method resourceUrl;
        final Method markSent;
        final Method channel;
        final Method eventLoop;
        final Method pipeline;
        final Method context;
        final Method fireChannelRead;
        final Method fireChannelReadComplete;
        final Constructor<?> fullResponse;
        final Object http11;
        final Method statusOf;
        final Method wrappedBuffer;
        final Method headers;
        final Method addHeader;
        final Method monoFromRunnable;
        final Method monoError;
        final Method monoCreate;
        final Method sinkSuccess;
        final Method monoThen;
        final Method monoFromDirect;

        ClientApi(Class<?> operations) {
            ClassLoader loader = operations.getClassLoader();
            try {
                Class<?> request = inherited(operations, "reactor.netty.http.client.HttpClientRequest");
                String prefix = request.getName()
                        .substring(
                                0, request.getName().length() - "reactor.netty.http.client.HttpClientRequest".length());
                method = request.getMethod("method");
                methodName = method.getReturnType().getMethod("name");
                fullPath = request.getMethod("fullPath");
                resourceUrl = request.getMethod("resourceUrl");
                Class<?> httpOperations = Class.forName(prefix + "reactor.netty.http.HttpOperations", false, loader);
                markSent = httpOperations.getDeclaredMethod("markSentHeaderAndBody", Object[].class);
                markSent.setAccessible(true);
                channel = Class.forName(prefix + "reactor.netty.Connection", false, loader)
                        .getMethod("channel");
                Class<?> nettyChannel = channel.getReturnType();
                String netty = nettyChannel
                        .getName()
                        .substring(0, nettyChannel.getName().length() - "io.netty.channel.Channel".length());
                ClassLoader nettyLoader = nettyChannel.getClassLoader();
                eventLoop = nettyChannel.getMethod("eventLoop");
                pipeline = nettyChannel.getMethod("pipeline");
                context = pipeline.getReturnType().getMethod("context", String.class);
                fireChannelRead = context.getReturnType().getMethod("fireChannelRead", Object.class);
                fireChannelReadComplete = context.getReturnType().getMethod("fireChannelReadComplete");
                Class<?> version = Class.forName(netty + "io.netty.handler.codec.http.HttpVersion", false, nettyLoader);
                Class<?> status =
                        Class.forName(netty + "io.netty.handler.codec.http.HttpResponseStatus", false, nettyLoader);
                Class<?> byteBuf = Class.forName(netty + "io.netty.buffer.ByteBuf", false, nettyLoader);
                Class<?> response = Class.forName(
                        netty + "io.netty.handler.codec.http.DefaultFullHttpResponse", false, nettyLoader);
                fullResponse = response.getConstructor(version, status, byteBuf);
                http11 = version.getField("HTTP_1_1").get(null);
                statusOf = status.getMethod("valueOf", int.class);
                wrappedBuffer = Class.forName(netty + "io.netty.buffer.Unpooled", false, nettyLoader)
                        .getMethod("wrappedBuffer", byte[].class);
                headers = response.getMethod("headers");
                addHeader = headers.getReturnType().getMethod("add", String.class, Object.class);
                Class<?> mono = mono(prefix, loader);
                monoFromRunnable = mono.getMethod("fromRunnable", Runnable.class);
                monoError = mono.getMethod("error", Throwable.class);
                monoCreate = mono.getMethod("create", Consumer.class);
                sinkSuccess = Class.forName(prefix + "reactor.core.publisher.MonoSink", false, mono.getClassLoader())
                        .getMethod("success");
                monoThen = mono.getMethod("then", mono);
                monoFromDirect = oneArgument(mono, "fromDirect");
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("Reactor Netty in " + loader + " lacks a member the hook uses", e);
            }
        }

        /** The interface of that name (under any prefix) that a class implements, directly or through another. */
        private static Class<?> inherited(Class<?> type, String name) throws ClassNotFoundException {
            List<Class<?>> seen = new ArrayList<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) seen.add(c);
            for (int i = 0; i < seen.size(); i++) {
                Class<?> c = seen.get(i);
                if (c.isInterface() && c.getName().endsWith(name)) return c;
                for (Class<?> s : c.getInterfaces()) if (!seen.contains(s)) seen.add(s);
            }
            throw new ClassNotFoundException(name + " in the hierarchy of " + type.getName());
        }

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

        /**
         * Subscribed in the request's place: marks the request sent, so the client never writes it, releases its body,
         * then hands the pipeline a response right after the HTTP/1.1 codec or the HTTP/2 stream's codec, on the
         * channel's event loop, as the codec would.
         */
        Object answer(Object operations, Object request, Effect.HttpStatus answer) throws ReflectiveOperationException {
            Object ch = channel.invoke(operations);
            Object p = pipeline.invoke(ch);
            Object h1 = context.invoke(p, CODEC);
            Object codec = h1 != null ? h1 : context.invoke(p, H2_CODEC);
            if (codec == null)
                throw new IllegalStateException("neither an HTTP/1.1 connection nor an HTTP/2 stream: " + ch);
            byte[] body = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
            Executor loop = (Executor) eventLoop.invoke(ch);
            Runnable respond = () -> {
                try {
                    markSent.invoke(operations, (Object) new Object[0]);
                    discard(request);
                    Object response = fullResponse.newInstance(
                            http11, statusOf.invoke(null, answer.status()), wrappedBuffer.invoke(null, (Object) body));
                    Object h = headers.invoke(response);
                    boolean typed = false;
                    for (int i = 0; i < answer.headers().size(); i++) {
                        addHeader.invoke(h, answer.headerName(i), answer.headerValue(i));
                        typed |= answer.headerName(i).equalsIgnoreCase("Content-Type");
                    }
                    if (body.length > 0 && !typed) addHeader.invoke(h, "Content-Type", "text/plain; charset=utf-8");
                    addHeader.invoke(h, "Content-Length", body.length);
                    loop.execute(() -> {
                        try {
                            fireChannelRead.invoke(codec, response);
                            fireChannelReadComplete.invoke(codec);
                        } catch (Throwable t) {
                            InternalErrors.report(t);
                        }
                    });
                } catch (Throwable t) {
                    InternalErrors.report(t);
                }
            };
            return monoFromRunnable.invoke(null, respond);
        }

        /** Subscribed in the request's place: fails it, nothing written; the connection goes back to the pool. */
        Object failure(Object operations, Object request, Throwable failure) throws ReflectiveOperationException {
            markSent.invoke(operations, (Object) new Object[0]);
            discard(request);
            return monoError.invoke(null, failure);
        }

        /**
         * Subscribes to the request's publisher and cancels before asking for anything: a body already made (a
         * {@code Mono.just(ByteBuf)}) is released by the discard hook Reactor Netty's {@code send} puts on it; nothing
         * is written (the request is marked sent first, so even a body that came would not go out as a request).
         */
        private static void discard(Object request) {
            try {
                cancelAtOnce(request);
            } catch (Throwable t) {
                // the injected answer or failure goes on: a body not released is a leak, a call never answered a hang
                InternalErrors.report(t);
            }
        }

        private static void cancelAtOnce(Object request) throws ReflectiveOperationException {
            Class<?> publisher = inherited(request.getClass(), "org.reactivestreams.Publisher");
            Class<?> subscriber = Class.forName(
                    publisher.getName().replace("Publisher", "Subscriber"), false, publisher.getClassLoader());
            Method subscribe = publisher.getMethod("subscribe", subscriber);
            Method cancel = oneArgument(subscriber, "onSubscribe")
                    .getParameterTypes()[0]
                    .getMethod("cancel");
            InvocationHandler cancelling = (proxy, m, args) -> switch (m.getName()) {
                case "onSubscribe" -> cancel.invoke(args[0]);
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "faultline's discarding subscriber";
                default -> null;
            };
            subscribe.invoke(
                    request,
                    Proxy.newProxyInstance(subscriber.getClassLoader(), new Class<?>[] {subscriber}, cancelling));
        }

        /**
         * {@code publisher}, subscribed {@code nanos} later (at once for 0), or as soon as one of the {@code rules}
         * that delay it is removed, cleared or expires; no thread waits meanwhile.
         */
        Object later(List<FaultRule> rules, long nanos, Object publisher) throws ReflectiveOperationException {
            if (nanos <= 0) return publisher;
            Consumer<Object> wait = sink -> LatencyTimer.start(LatencyTimer.shared(), rules, nanos, () -> {
                try {
                    sinkSuccess.invoke(sink);
                } catch (ReflectiveOperationException e) {
                    InternalErrors.report(e);
                }
            });
            Object delay = monoCreate.invoke(null, wait);
            return monoThen.invoke(delay, monoFromDirect.invoke(null, publisher));
        }
    }
}
