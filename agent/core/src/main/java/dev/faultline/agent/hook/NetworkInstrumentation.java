package dev.faultline.agent.hook;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.faultline.agent.bootstrap.Hooks;
import dev.faultline.agent.instrument.AdviceTransformer;
import java.lang.instrument.Instrumentation;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
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
        List<AdviceTransformer.Target> targets = List.of(
                // Netty: matched by the end of the name, so relocated copies (io.grpc.netty.shaded.io.netty…) match
                // too, in whichever loader and whenever they load (the transformer stays registered)
                AdviceTransformer.Target.nameEndsWith(
                        "io.netty.channel.DefaultChannelPipeline",
                        Advice.withCustomMapping()
                                .bind(NettyAdvice.NETTY_CALL)
                                .to(NettyAdvice.Read.class, adviceBytes)
                                .on(named("fireChannelRead").and(takesArguments(Object.class)))),
                AdviceTransformer.Target.nameEndsWith(
                        "io.netty.channel.DefaultChannelPipeline$HeadContext",
                        advice(
                                NettyAdvice.Connect.class,
                                adviceBytes,
                                named("connect").and(takesArguments(4)))),
                AdviceTransformer.Target.nameEndsWith(
                        "io.netty.channel.AbstractChannel$AbstractUnsafe",
                        Advice.withCustomMapping()
                                .bind(NettyAdvice.NETTY_CALL)
                                .to(NettyAdvice.Flush.class, adviceBytes)
                                .on(named("flush0").and(takesArguments(0)))),
                AdviceTransformer.Target.nameEndsWith(
                        "io.netty.channel.socket.nio.NioSocketChannel",
                        advice(
                                NettyAdvice.NioIo.class,
                                adviceBytes,
                                namedOneOf("doReadBytes", "doWrite", "doConnect", "doFinishConnect"))),
                AdviceTransformer.Target.named(
                        "sun.nio.ch.NioSocketImpl",
                        advice(
                                SocketAdvice.Connect.class,
                                adviceBytes,
                                named("connect").and(takesArguments(SocketAddress.class, int.class))),
                        advice(
                                SocketAdvice.Read.class,
                                adviceBytes,
                                named("read").and(takesArguments(byte[].class, int.class, int.class))),
                        advice(
                                SocketAdvice.Write.class,
                                adviceBytes,
                                named("write").and(takesArguments(byte[].class, int.class, int.class)))),
                AdviceTransformer.Target.named(
                        "sun.nio.ch.SocketChannelImpl",
                        advice(
                                ChannelAdvice.Connect.class,
                                adviceBytes,
                                named("connect").and(takesArguments(SocketAddress.class))),
                        advice(
                                ChannelAdvice.TimedConnect.class,
                                adviceBytes,
                                named("blockingConnect").and(takesArguments(SocketAddress.class, long.class))),
                        advice(
                                ChannelAdvice.Read.class,
                                adviceBytes,
                                named("read")
                                        .and(takesArguments(ByteBuffer.class)
                                                .or(takesArguments(ByteBuffer[].class, int.class, int.class)))),
                        advice(
                                ChannelAdvice.TimedRead.class,
                                adviceBytes,
                                named("blockingRead")
                                        .and(takesArguments(byte[].class, int.class, int.class, long.class))),
                        advice(
                                ChannelAdvice.Write.class,
                                adviceBytes,
                                named("write")
                                        .and(takesArguments(ByteBuffer.class)
                                                .or(takesArguments(ByteBuffer[].class, int.class, int.class)))),
                        advice(
                                ChannelAdvice.WriteFully.class,
                                adviceBytes,
                                named("blockingWriteFully").and(takesArguments(byte[].class, int.class, int.class)))),
                AdviceTransformer.Target.named(
                        "java.net.InetAddress",
                        advice(
                                ResolveAdvice.class,
                                adviceBytes,
                                named("getAllByName").and(isStatic()).and(takesArguments(String.class)))));
        new AdviceTransformer(targets, NetworkInstrumentation::candidate, new Counting()).install(inst);
        log.debug("network hooks installed in {} classes ({} errors)", TRANSFORMED.get(), ERRORS.get());
    }

    /**
     * The classes worth matching by their targets, loaded or loading: the JDK packages of the hooked classes and
     * anything with {@code netty.} in its name (io.netty, relocated copies, reactor.netty). A hook into a class
     * outside these must widen this test, or it would never be applied.
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

    private static final class Counting implements AdviceTransformer.Outcome {
        @Override
        public void transformed(String name, ClassLoader loader, boolean loaded) {
            TRANSFORMED.incrementAndGet();
            log.debug("network hook in {} ({})", name, loaded ? "retransformed" : "as it loaded");
        }

        @Override
        public void failed(String name, ClassLoader loader, boolean loaded, Throwable error) {
            ERRORS.incrementAndGet();
            log.error("could not install the network hook into {}; that hook stays inactive", name, error);
        }
    }
}
