package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.GrpcHooks;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.Pause;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * {@code on=grpc-server} and {@code on=grpc-client} for grpc-java, on any transport (they act above it). grpc is
 * reached by reflection in the class loader of the call at hand, never linked, so one agent serves every grpc in the
 * process. The failures are grpc's own: the server closes the call with the status through its {@code ServerCall}
 * (its tracers and the client see a real status); the client's call gets grpc's no-op stream and its listener is
 * closed with the status on the call's executor, as grpc does for a call it cannot start.
 */
final class GrpcFaults implements GrpcHooks.Dispatch {
    private static final long ONE_MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** grpc's types and members, per class loader (found through the class of the call at hand). */
    private static final ClassValue<GrpcApi> API = new ClassValue<>() {
        @Override
        protected GrpcApi computeValue(Class<?> type) {
            return new GrpcApi(type.getClassLoader());
        }
    };

    @Override
    public Object serverCall(FaultRule[] rules, String fullMethod, Object params) {
        try {
            Effect.GrpcStatus status = null;
            for (FaultRule rule : rules) {
                // host= and port= are refused on gRPC hooks (ProtocolFaults): the peer is not known here
                if (!rule.where().matchesGrpc(fullMethod, null, 0) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    Pause.delay(rule, rule.delayNanos());
                } else if (rule.spec().effect() instanceof Effect.GrpcStatus s) {
                    status = s;
                    break;
                }
            }
            if (status == null) return null;
            GrpcApi api = API.get(params.getClass());
            Object call = api.serverCallOf.get(params);
            api.serverClose.invoke(call, api.status(status), api.newMetadata());
            return api.noopServerListener;
        } catch (Throwable t) {
            InternalErrors.report(t);
            return null;
        }
    }

    @Override
    public boolean clientStart(FaultRule[] rules, Object call, Object listener) {
        try {
            GrpcApi api = API.get(call.getClass());
            String fullMethod = (String) api.fullMethodName.invoke(api.clientMethod.get(call));
            Effect.GrpcStatus status = null;
            for (FaultRule rule : rules) {
                // host= and port= are refused on gRPC hooks (ProtocolFaults): the peer is not known here
                if (!rule.where().matchesGrpc(fullMethod, null, 0) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    // as a slow server: past the call's deadline the call ends DEADLINE_EXCEEDED (start sees it
                    // expired), at the deadline, not after the whole delay
                    Pause.delay(rule, Math.min(rule.delayNanos(), api.nanosToDeadline(call)));
                } else if (rule.spec().effect() instanceof Effect.GrpcStatus s) {
                    status = s;
                    break;
                }
            }
            if (status == null) return false;
            Object failed = api.status(status);
            api.clientStream.set(call, api.noopClientStream);
            Executor executor = (Executor) api.callExecutor.get(call);
            executor.execute(() -> {
                try {
                    api.closeObserver.invoke(call, listener, failed, api.newMetadata());
                } catch (ReflectiveOperationException | RuntimeException e) {
                    InternalErrors.report(e);
                }
            });
            return true;
        } catch (Throwable t) {
            InternalErrors.report(t);
            return false;
        }
    }

    /** The members of one grpc copy; a member that grpc renamed fails here, reported once per call, never thrown. */
    private static final class GrpcApi {
        final ClassLoader loader;
        Field serverCallOf;
        Method serverClose;
        Object noopServerListener;
        Field clientMethod;
        Method fullMethodName;
        Field clientStream;
        Object noopClientStream;
        Field callExecutor;
        Field callOptions;
        Field callContext;
        Method contextDeadline;
        Method closeObserver;
        Method getDeadline;
        Method timeRemaining;
        Method codeValueOf;
        Method toStatus;
        Method withDescription;
        Class<?> metadata;

        GrpcApi(ClassLoader loader) {
            this.loader = loader;
            try {
                Class<?> status = type("io.grpc.Status");
                metadata = type("io.grpc.Metadata");
                Class<?> code = type("io.grpc.Status$Code");
                codeValueOf = code.getMethod("valueOf", String.class);
                toStatus = code.getMethod("toStatus");
                withDescription = status.getMethod("withDescription", String.class);
                serverClose = type("io.grpc.ServerCall").getMethod("close", status, metadata);
                fullMethodName = type("io.grpc.MethodDescriptor").getMethod("getFullMethodName");
                getDeadline = type("io.grpc.CallOptions").getMethod("getDeadline");
                timeRemaining = type("io.grpc.Deadline").getMethod("timeRemaining", TimeUnit.class);
                Class<?> params =
                        optionalType("io.grpc.internal.ServerImpl$ServerTransportListenerImpl$ServerCallParameters");
                if (params != null) {
                    serverCallOf = field(params, "call");
                    noopServerListener = field(type("io.grpc.internal.ServerImpl"), "NOOP_LISTENER")
                            .get(null);
                }
                Class<?> clientCall = optionalType("io.grpc.internal.ClientCallImpl");
                if (clientCall != null) {
                    clientMethod = field(clientCall, "method");
                    clientStream = field(clientCall, "stream");
                    callExecutor = field(clientCall, "callExecutor");
                    callOptions = field(clientCall, "callOptions");
                    callContext = field(clientCall, "context");
                    contextDeadline = type("io.grpc.Context").getMethod("getDeadline");
                    closeObserver = clientCall.getDeclaredMethod(
                            "closeObserver", type("io.grpc.ClientCall$Listener"), status, metadata);
                    closeObserver.setAccessible(true);
                    noopClientStream = field(type("io.grpc.internal.NoopClientStream"), "INSTANCE")
                            .get(null);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("grpc-java in " + loader + " lacks a member the gRPC hooks use", e);
            }
        }

        Object status(Effect.GrpcStatus s) throws ReflectiveOperationException {
            Object status = toStatus.invoke(codeValueOf.invoke(null, s.status()));
            return s.message() == null ? status : withDescription.invoke(status, s.message());
        }

        Object newMetadata() throws ReflectiveOperationException {
            return metadata.getConstructor().newInstance();
        }

        /**
         * The time left before the call's deadline, its own or its context's (a millisecond past it, so it has
         * expired), or forever.
         */
        long nanosToDeadline(Object call) throws ReflectiveOperationException {
            long own = remaining(getDeadline.invoke(callOptions.get(call)));
            long inherited = remaining(contextDeadline.invoke(callContext.get(call)));
            return Math.min(own, inherited);
        }

        private long remaining(Object deadline) throws ReflectiveOperationException {
            if (deadline == null) return Long.MAX_VALUE;
            return Math.max(0, (long) timeRemaining.invoke(deadline, TimeUnit.NANOSECONDS)) + ONE_MS;
        }

        private Class<?> type(String name) throws ClassNotFoundException {
            return Class.forName(name, false, loader);
        }

        private Class<?> optionalType(String name) {
            try {
                return type(name);
            } catch (ClassNotFoundException e) {
                return null;
            }
        }

        private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        }
    }
}
