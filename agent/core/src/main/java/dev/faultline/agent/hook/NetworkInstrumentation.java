package dev.faultline.agent.hook;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.faultline.agent.bootstrap.Hooks;
import dev.faultline.agent.instrument.Installer;
import java.lang.instrument.Instrumentation;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the network hooks once, on the first {@code add()} (FaultRegistry), into the JDK classes every TCP client
 * and server on JDK 17+ goes through, and into Netty's transport-independent points (docs/netty.md), which also
 * covers its native transports. Loaded classes are retransformed, later ones transformed as they load; no members
 * are added.
 */
public final class NetworkInstrumentation {
    private static final Logger log = LoggerFactory.getLogger(NetworkInstrumentation.class);
    private static final AtomicInteger TRANSFORMED = new AtomicInteger();
    private static final AtomicInteger ERRORS = new AtomicInteger();

    private NetworkInstrumentation() {}

    public static int transformedClasses() {
        return TRANSFORMED.get();
    }

    public static int transformErrors() {
        return ERRORS.get();
    }

    public static void install(Instrumentation inst, ClassFileLocator adviceBytes) {
        openJavaBaseToHooks(inst);
        AgentBuilder.Transformer socket = (builder, type, loader, module, pd) -> builder.visit(advice(
                        SocketAdvice.Connect.class,
                        adviceBytes,
                        named("connect").and(takesArguments(SocketAddress.class, int.class))))
                .visit(advice(
                        SocketAdvice.Read.class,
                        adviceBytes,
                        named("read").and(takesArguments(byte[].class, int.class, int.class))))
                .visit(advice(
                        SocketAdvice.Write.class,
                        adviceBytes,
                        named("write").and(takesArguments(byte[].class, int.class, int.class))));
        AgentBuilder.Transformer channel = (builder, type, loader, module, pd) -> builder.visit(advice(
                        ChannelAdvice.Connect.class,
                        adviceBytes,
                        named("connect").and(takesArguments(SocketAddress.class))))
                .visit(advice(
                        ChannelAdvice.TimedConnect.class,
                        adviceBytes,
                        named("blockingConnect").and(takesArguments(SocketAddress.class, long.class))))
                .visit(advice(
                        ChannelAdvice.Read.class,
                        adviceBytes,
                        named("read")
                                .and(takesArguments(ByteBuffer.class)
                                        .or(takesArguments(ByteBuffer[].class, int.class, int.class)))))
                .visit(advice(
                        ChannelAdvice.TimedRead.class,
                        adviceBytes,
                        named("blockingRead").and(takesArguments(byte[].class, int.class, int.class, long.class))))
                .visit(advice(
                        ChannelAdvice.Write.class,
                        adviceBytes,
                        named("write")
                                .and(takesArguments(ByteBuffer.class)
                                        .or(takesArguments(ByteBuffer[].class, int.class, int.class)))))
                .visit(advice(
                        ChannelAdvice.WriteFully.class,
                        adviceBytes,
                        named("blockingWriteFully").and(takesArguments(byte[].class, int.class, int.class))));
        AgentBuilder.Transformer resolve = (builder, type, loader, module, pd) -> builder.visit(advice(
                ResolveAdvice.class,
                adviceBytes,
                named("getAllByName").and(isStatic()).and(takesArguments(String.class))));

        // Netty: matched by the end of the name, so relocated copies (io.grpc.netty.shaded.io.netty…) match too,
        // in whichever loader and whenever they load (the recipe's transformer stays registered)
        AgentBuilder.Transformer nettyRead =
                (builder, type, loader, module, pd) -> builder.visit(Advice.withCustomMapping()
                        .bind(NettyAdvice.NETTY_CALL)
                        .to(NettyAdvice.Read.class, adviceBytes)
                        .on(named("fireChannelRead").and(takesArguments(Object.class))));
        AgentBuilder.Transformer nettyConnect = (builder, type, loader, module, pd) -> builder.visit(
                advice(NettyAdvice.Connect.class, adviceBytes, named("connect").and(takesArguments(4))));
        AgentBuilder.Transformer nettyFlush =
                (builder, type, loader, module, pd) -> builder.visit(Advice.withCustomMapping()
                        .bind(NettyAdvice.NETTY_CALL)
                        .to(NettyAdvice.Flush.class, adviceBytes)
                        .on(named("flush0").and(takesArguments(0))));
        AgentBuilder.Transformer nettyNio = (builder, type, loader, module, pd) -> builder.visit(advice(
                NettyAdvice.NioIo.class,
                adviceBytes,
                namedOneOf("doReadBytes", "doWrite", "doConnect", "doFinishConnect")));

        Installer.recipe(
                        new CountingListener(),
                        Installer.loadedNamed(NetworkInstrumentation::candidate),
                        AgentBuilder.RedefinitionStrategy.BatchAllocator.ForTotal.INSTANCE)
                .type(nameEndsWith("io.netty.channel.DefaultChannelPipeline"))
                .transform(nettyRead)
                .type(nameEndsWith("io.netty.channel.DefaultChannelPipeline$HeadContext"))
                .transform(nettyConnect)
                .type(nameEndsWith("io.netty.channel.AbstractChannel$AbstractUnsafe"))
                .transform(nettyFlush)
                .type(nameEndsWith("io.netty.channel.socket.nio.NioSocketChannel"))
                .transform(nettyNio)
                .type(named("sun.nio.ch.NioSocketImpl"))
                .transform(socket)
                .type(named("sun.nio.ch.SocketChannelImpl"))
                .transform(channel)
                .type(named("java.net.InetAddress"))
                .transform(resolve)
                .installOn(inst);
        log.debug("network hooks installed in {} classes ({} errors)", TRANSFORMED.get(), ERRORS.get());
    }

    /**
     * The loaded classes worth matching when the hooks are installed: the JDK packages of the hooked classes and
     * anything with {@code netty.} in its name (io.netty, relocated copies, reactor.netty). A hook into a class
     * outside these must widen this test, or an already loaded class would be left without it.
     */
    static boolean candidate(String name) {
        return name.startsWith("sun.nio.ch.")
                || name.startsWith("java.net.")
                || name.startsWith("sun.net.")
                || name.contains("netty.");
    }

    private static AsmVisitorWrapper advice(
            Class<?> adviceClass, ClassFileLocator locator, ElementMatcher<? super MethodDescription> on) {
        return Advice.to(adviceClass, locator).on(on);
    }

    /** Inlined advice in java.base calls Hooks, which lives in the boot loader's unnamed module: java.base must read it. */
    private static void openJavaBaseToHooks(Instrumentation inst) {
        Module javaBase = Object.class.getModule();
        Module hooks = Hooks.class.getModule();
        if (!javaBase.canRead(hooks)) {
            inst.redefineModule(javaBase, Set.of(hooks), Map.of(), Map.of(), Set.of(), Map.of());
        }
    }

    private static final class CountingListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(
                TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded, DynamicType dynamicType) {
            TRANSFORMED.incrementAndGet();
        }

        @Override
        public void onError(
                String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            ERRORS.incrementAndGet();
            log.error("could not install the network hook into {}; that hook stays inactive", typeName, throwable);
        }
    }
}
