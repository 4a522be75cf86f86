package dev.faultline.agent.protocol;

import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.faultline.agent.bootstrap.ProtocolHooks;
import dev.faultline.agent.instrument.Installer;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the protocol hooks once, when the first protocol fault is armed: the JDK's HTTP server (after the
 * context's filters, before its handler) and the JDK's HTTP client (before a request leaves). Classes already loaded
 * are retransformed; the transformer stays registered for the ones that load later.
 */
final class ProtocolInstrumentation {
    private static final Logger log = LoggerFactory.getLogger(ProtocolInstrumentation.class);
    static final String JDK_HTTP_SERVER = "sun.net.httpserver.ServerImpl$Exchange$LinkHandler";
    static final String JDK_HTTP_CLIENT = "jdk.internal.net.http.HttpClientImpl";
    static final String SERVLET = "jakarta.servlet.http.HttpServlet";
    static final String JAVAX_SERVLET = "javax.servlet.http.HttpServlet";
    static final String GRPC_SERVER = "io.grpc.internal.ServerImpl$ServerTransportListenerImpl";
    static final String GRPC_CLIENT = "io.grpc.internal.ClientCallImpl";
    static final String OKHTTP_CALL = "okhttp3.internal.connection.RealCall";
    static final String APACHE_CLIENT = "org.apache.hc.client5.http.impl.classic.InternalHttpClient";
    static final String APACHE_ASYNC_CLIENT = "org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient";
    static final String HTTPS_URL_CONNECTION = "sun.net.www.protocol.https.AbstractDelegateHttpsURLConnection";

    private ProtocolInstrumentation() {}

    static void install(Instrumentation inst, ClassFileLocator adviceBytes) {
        readHooks(inst, "jdk.httpserver");
        readHooks(inst, "java.net.http");
        Installer.recipe(new Listener())
                .type(named(JDK_HTTP_SERVER))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(JdkHttpServerAdvice.class, adviceBytes)
                                .on(named("handle").and(takesArguments(1)))))
                .type(named(JDK_HTTP_CLIENT))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(JdkHttpClientAdvice.class, adviceBytes)
                                .on(named("sendAsync").and(takesArguments(4)))))
                .installOn(inst);
    }

    /**
     * grpc-java's server and client calls, above every transport (netty, netty-shaded, okhttp, in-process). Matched
     * by name: a relocated grpc is out of scope.
     */
    static void installGrpc(Instrumentation inst, ClassFileLocator adviceBytes) {
        Installer.recipe(new Listener())
                .type(named(GRPC_SERVER))
                .transform((builder, type, loader, module, pd) -> builder.visit(Advice.to(
                                GrpcServerAdvice.class, adviceBytes)
                        .on(named("startWrappedCall").and(takesArguments(3)).and(takesArgument(0, String.class)))))
                .type(named(GRPC_CLIENT))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(GrpcClientAdvice.class, adviceBytes)
                                .on(named("start").and(takesArguments(2)))))
                .installOn(inst);
    }

    /**
     * OkHttp 4.x and 5.x: {@code RealCall.getResponseWithInterceptorChain} (Kotlin names it
     * {@code getResponseWithInterceptorChain$okhttp}); Apache HttpClient 5 classic: {@code InternalHttpClient.doExecute};
     * its async client: {@code InternalAbstractHttpAsyncClient.executeImmediate}.
     * Matched by name: a relocated copy is out of scope.
     */
    static void installHttpClientLibraries(Instrumentation inst, ClassFileLocator adviceBytes) {
        Installer.recipe(new Listener())
                .type(named(OKHTTP_CALL))
                .transform((builder, type, loader, module, pd) -> builder.visit(Advice.to(
                                OkHttpAdvice.class, adviceBytes)
                        .on(nameStartsWith("getResponseWithInterceptorChain").and(takesArguments(0)))))
                .type(named(APACHE_CLIENT))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(ApacheHttpClientAdvice.class, adviceBytes)
                                .on(named("doExecute").and(takesArguments(3)))))
                .type(named(APACHE_ASYNC_CLIENT))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(ApacheAsyncClientAdvice.class, adviceBytes)
                                .on(named("executeImmediate")
                                        .and(takesArgument(0, named("org.apache.hc.core5.http.HttpRequest"))))))
                .installOn(inst);
    }

    /**
     * The JDK's {@code HttpURLConnection}: {@code connect}, {@code getInputStream0} and {@code getOutputStream0} of
     * {@code sun.net.www.protocol.http.HttpURLConnection}, and the HTTPS delegate's own {@code connect}. java.base
     * reads the hooks and opens the connection's packages to the agent, which fills an answered one's response state.
     */
    static void installUrlConnection(Instrumentation inst, ClassFileLocator adviceBytes) {
        readHooks(inst, "java.base");
        Module agent = ProtocolInstrumentation.class.getModule();
        Set<Module> toAgent = Set.of(agent);
        inst.redefineModule(
                Object.class.getModule(),
                Set.of(),
                Map.of(),
                Map.of("java.net", toAgent, "sun.net.www", toAgent, "sun.net.www.protocol.http", toAgent),
                Set.of(),
                Map.of());
        Installer.recipe(new Listener())
                .type(named(UrlConnectionFaults.CONNECTION))
                .transform((builder, type, loader, module, pd) -> builder.visit(
                                Advice.to(UrlConnectionAdvice.Connect.class, adviceBytes)
                                        .on(named("connect").and(takesArguments(0))))
                        .visit(Advice.to(UrlConnectionAdvice.Response.class, adviceBytes)
                                .on(named("getInputStream0").and(takesArguments(0))))
                        .visit(Advice.to(UrlConnectionAdvice.Output.class, adviceBytes)
                                .on(named("getOutputStream0").and(takesArguments(0)))))
                .type(named(HTTPS_URL_CONNECTION))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(UrlConnectionAdvice.Connect.class, adviceBytes)
                                .on(named("connect").and(takesArguments(0)))))
                .installOn(inst);
    }

    /**
     * Servlet containers through the API, Jakarta and {@code javax.servlet} alike:
     * {@code HttpServlet.service(ServletRequest, ServletResponse)}, the public entry every container calls after the
     * request's filters. Matched by name: a relocated API is out of scope.
     */
    static void installServlet(Instrumentation inst, ClassFileLocator adviceBytes) {
        Installer.recipe(new Listener())
                .type(named(SERVLET).or(named(JAVAX_SERVLET)))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(ServletAdvice.class, adviceBytes)
                                .on(named("service")
                                        .and(takesArguments(2))
                                        .and(takesArgument(
                                                0,
                                                named("jakarta.servlet.ServletRequest")
                                                        .or(named("javax.servlet.ServletRequest")))))))
                .installOn(inst);
    }

    /**
     * Undertow's own server API: {@code Connectors.executeRootHandler(HttpHandler, HttpServerExchange)}, where every
     * protocol hands a request to the handler chain. Matched by name: a relocated Undertow is out of scope.
     */
    static void installUndertow(Instrumentation inst, ClassFileLocator adviceBytes) {
        Installer.recipe(new Listener())
                .type(named(UndertowFaults.CONNECTORS))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(UndertowAdvice.class, adviceBytes)
                                .on(named("executeRootHandler").and(takesArguments(2)))))
                .installOn(inst);
    }

    /**
     * Reactor Netty's server (WebFlux's too): {@code HttpServer.HttpServerHandle.onStateChange}, where it applies the
     * handler to a received request; its client (WebClient's too): {@code HttpClientConnect.HttpClientHandler
     * .requestWithBody}, which prepares a request on an acquired connection. Matched by the end of the name, so a
     * relocated copy matches too.
     */
    static void installReactorNetty(Instrumentation inst, ClassFileLocator adviceBytes) {
        Installer.recipe(new Listener())
                .type(nameEndsWith(ReactorNettyServerFaults.HANDLE))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(ReactorNettyServerAdvice.class, adviceBytes)
                                .on(named("onStateChange").and(takesArguments(2)))))
                .type(nameEndsWith(ReactorNettyClientFaults.HANDLER))
                .transform((builder, type, loader, module, pd) ->
                        builder.visit(Advice.to(ReactorNettyClientAdvice.class, adviceBytes)
                                .on(named("requestWithBody").and(takesArguments(1)))))
                .installOn(inst);
    }

    /** Advice inlined into a JDK module calls ProtocolHooks, in the boot loader's unnamed module: it must read it. */
    private static void readHooks(Instrumentation inst, String moduleName) {
        Module hooks = ProtocolHooks.class.getModule();
        ModuleLayer.boot().findModule(moduleName).ifPresent(m -> {
            if (!m.canRead(hooks)) inst.redefineModule(m, Set.of(hooks), Map.of(), Map.of(), Set.of(), Map.of());
        });
    }

    private static final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(
                String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            log.error("could not install the protocol hook into {}; it stays inactive", typeName, throwable);
        }

        @Override
        public void onTransformation(
                TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded, DynamicType dynamicType) {
            log.debug("protocol hook installed in {}", type.getName());
        }
    }
}
