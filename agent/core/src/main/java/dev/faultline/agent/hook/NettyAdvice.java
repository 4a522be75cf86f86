package dev.faultline.agent.hook;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.faultline.agent.bootstrap.Hooks;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.member.FieldAccess;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;

/**
 * Advice inlined into Netty's own classes, under any package prefix and in any class loader: so it names no Netty
 * type (a relocated copy has other names), only {@code Object} and JDK types, and hands the objects to {@link
 * Hooks}, which reaches Netty by name. Returning true from an enter advice means the hook took the call over
 * (delayed or failed it on the event loop) and the original body is skipped.
 */
public final class NettyAdvice {
    private NettyAdvice() {}

    /** {@code DefaultChannelPipeline.fireChannelRead(Object)}: where every transport's read loop delivers bytes. */
    public static final class Read {
        // suppress: a Channel whose remoteAddress()/localAddress() throws must not fail Netty's read; the read proceeds
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        static boolean enter(
                @Advice.This Object pipeline,
                @Advice.FieldValue("channel") Object channel,
                @Advice.Argument(0) Object msg,
                @NettyCall(field = "channel", method = "remoteAddress") SocketAddress remote,
                @NettyCall(field = "channel", method = "localAddress") SocketAddress local) {
            if (Hooks.nettyReadIdle()) return false;
            // the channel and its addresses from the pipeline's own field and Netty's own calls, compiled into
            // the pipeline (inlined by the JIT), read only past the idle test: method handles here cost more
            return Hooks.nettyRead(pipeline, channel, msg, remote, local);
        }

        /** The method returns its pipeline, also when skipped. */
        @Advice.OnMethodExit
        static void exit(
                @Advice.This Object pipeline,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned) {
            returned = pipeline;
        }
    }

    /** {@code AbstractChannel.AbstractUnsafe.flush0()}: the one caller of every transport's {@code doWrite}. */
    public static final class Flush {
        // suppress: a Channel whose isActive()/remoteAddress()/localAddress() throws must not fail Netty's flush
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        static boolean enter(
                @Advice.This Object unsafe,
                @Advice.FieldValue("this$0") Object channel,
                @Advice.FieldValue("outboundBuffer") Object outbound,
                @NettyCall(field = "outboundBuffer", method = "isEmpty") boolean empty,
                @NettyCall(field = "this$0", method = "isActive") boolean active,
                @NettyCall(field = "this$0", method = "remoteAddress") SocketAddress remote,
                @NettyCall(field = "this$0", method = "localAddress") SocketAddress local) {
            // a closed channel (no outbound buffer): flush0 returns at once; nothing armed, nothing held: no cost
            if (outbound == null || Hooks.nettyFlushIdle()) return false;
            // what flush0 asks the channel, through Netty's own calls compiled into flush0 (inlined by the JIT)
            // instead of method handles, evaluated only past the idle test
            return Hooks.nettyFlush(channel, unsafe, outbound, empty, active, remote, local);
        }
    }

    /** {@code DefaultChannelPipeline.HeadContext.connect(ctx, remote, local, promise)}: hands it to the transport. */
    public static final class Connect {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(
                @Advice.Argument(0) Object context,
                @Advice.Argument(1) SocketAddress remote,
                @Advice.Argument(2) SocketAddress local,
                @Advice.Argument(3) Object promise) {
            return Hooks.nettyConnect(context, remote, local, promise);
        }
    }

    /**
     * {@code NioSocketChannel}'s read, write and connect: the SocketChannelImpl calls inside are Netty's, already
     * faulted by the hooks above, so the JDK hooks let them pass (while any rule is armed; else nothing is set).
     */
    public static final class NioIo {
        @Advice.OnMethodEnter
        static boolean enter() {
            return Hooks.nettyIoEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter boolean entered) {
            Hooks.nettyIoExit(entered);
        }
    }

    /**
     * A parameter bound to {@code this.<field>.<method>()} in the instrumented Netty class: a call the advice cannot
     * write itself (it names no Netty type), linked against that copy's own types ({@code Channel}, {@code
     * ChannelOutboundBuffer}). Evaluated where the advice reads the parameter, so after the advice's own idle test.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface NettyCall {
        String field();

        String method();
    }

    /** Binds {@link NettyCall} parameters: {@code Advice.withCustomMapping().bind(NETTY_CALL)}. */
    static final Advice.OffsetMapping.Factory<NettyCall> NETTY_CALL = new Advice.OffsetMapping.Factory<>() {
        @Override
        public Class<NettyCall> getAnnotationType() {
            return NettyCall.class;
        }

        @Override
        public Advice.OffsetMapping make(
                ParameterDescription.InDefinedShape target,
                AnnotationDescription.Loadable<NettyCall> annotation,
                AdviceType adviceType) {
            NettyCall nettyCall = annotation.load();
            String fieldName = nettyCall.field();
            String methodName = nettyCall.method();
            return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) -> {
                FieldDescription field = instrumentedType
                        .getDeclaredFields()
                        .filter(named(fieldName))
                        .getOnly();
                TypeDescription holder = field.getType().asErasure();
                MethodDescription.InDefinedShape method = find(holder, methodName);
                if (method == null) {
                    throw new IllegalStateException(holder.getName() + " has no " + methodName + "()");
                }
                if (!method.getReturnType()
                        .asErasure()
                        .isAssignableTo(target.getType().asErasure())) {
                    throw new IllegalStateException(holder.getName() + "." + methodName + "() returns "
                            + method.getReturnType().getTypeName() + ", not "
                            + target.getType().getTypeName());
                }
                StackManipulation call = method.getDeclaringType().equals(holder)
                        ? MethodInvocation.invoke(method)
                        : MethodInvocation.invoke(method).virtual(holder);
                return new Advice.OffsetMapping.Target.ForStackManipulation(new StackManipulation.Compound(
                        MethodVariableAccess.loadThis(),
                        FieldAccess.forField(field).read(),
                        call));
            };
        }

        /** {@code name()} declared by {@code type} or one of its supertypes. */
        private MethodDescription.InDefinedShape find(TypeDescription type, String name) {
            MethodList<MethodDescription.InDefinedShape> own =
                    type.getDeclaredMethods().filter(named(name).and(takesArguments(0)));
            if (!own.isEmpty()) return own.getOnly();
            for (TypeDescription.Generic up : type.getInterfaces()) {
                MethodDescription.InDefinedShape found = find(up.asErasure(), name);
                if (found != null) return found;
            }
            TypeDescription.Generic superClass = type.getSuperClass();
            return superClass == null ? null : find(superClass.asErasure(), name);
        }
    };
}
