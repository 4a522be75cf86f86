package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.ApacheHttpHooks;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.GrpcHooks;
import dev.faultline.agent.bootstrap.Hook;
import dev.faultline.agent.bootstrap.OkHttpHooks;
import dev.faultline.agent.bootstrap.ProtocolHooks;
import dev.faultline.agent.bootstrap.ReactorNettyHooks;
import dev.faultline.agent.bootstrap.ServletHooks;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import dev.faultline.agent.bootstrap.UndertowHooks;
import dev.faultline.agent.bootstrap.UrlConnectionHooks;
import dev.faultline.agent.fault.FaultHandler;
import dev.faultline.agent.spec.SpecException;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * Arms {@code on=http-server|http-client} faults. The protocol hooks are installed by the first such fault, not at
 * start: a service never given one pays nothing for them; the gRPC hooks likewise, by the first gRPC fault.
 */
public final class ProtocolFaults implements FaultHandler {
    private final Instrumentation inst;
    private final ClassFileLocator adviceBytes;
    private final List<FaultRule> rules = new ArrayList<>();
    private boolean installed;
    private boolean grpcInstalled;
    private boolean clientLibrariesInstalled;

    public ProtocolFaults(Instrumentation inst, ClassFileLocator adviceBytes) {
        this.inst = inst;
        this.adviceBytes = adviceBytes;
    }

    @Override
    public boolean accepts(FaultSpec spec) {
        return spec.where().hook() != null && spec.where().hook().isProtocol();
    }

    @Override
    public ThrowableFactory prepare(FaultSpec spec) {
        Hook hook = spec.where().hook();
        if (hook.isGrpc() && (spec.where().host() != null || spec.where().port() != null)) {
            // grpc's call path does not hold the peer's address where the hooks act; never matching would be silent
            throw new SpecException("on=" + hook.word() + ": host= and port= are not supported on gRPC hooks yet;"
                    + " select calls by service= and method=");
        }
        if (hook != Hook.HTTP_CLIENT) return ThrowableFactory.HOOK_DEFAULT;
        // a client's send declares IOException: a connect or read failure
        return SpecException.refusing(
                () -> ThrowableFactory.forSpec(spec, ClassLoader.getSystemClassLoader(), IOException.class));
    }

    @Override
    public synchronized void arm(FaultRule rule) {
        if (rule.where().hook().isGrpc()) {
            if (!grpcInstalled) {
                GrpcHooks.dispatch(new GrpcFaults());
                ProtocolInstrumentation.installGrpc(inst, adviceBytes);
                grpcInstalled = true;
            }
        } else if (!installed) {
            ProtocolHooks.dispatch(new JdkHttpDispatch());
            ProtocolInstrumentation.install(inst, adviceBytes);
            ServletHooks.dispatch(new ServletFaults());
            ProtocolInstrumentation.installServlet(inst, adviceBytes);
            UndertowHooks.dispatch(new UndertowFaults());
            ProtocolInstrumentation.installUndertow(inst, adviceBytes);
            ReactorNettyHooks.dispatch(new ReactorNettyDispatch());
            ProtocolInstrumentation.installReactorNetty(inst, adviceBytes);
            installed = true;
        }
        if (rule.where().hook() == Hook.HTTP_CLIENT && !clientLibrariesInstalled) {
            OkHttpHooks.dispatch(new OkHttpFaults());
            ApacheHttpHooks.dispatch(new ApacheHttpClientFaults());
            ApacheHttpHooks.asyncDispatch(new ApacheAsyncClientFaults());
            ProtocolInstrumentation.installHttpClientLibraries(inst, adviceBytes);
            UrlConnectionHooks.dispatch(new UrlConnectionFaults());
            ProtocolInstrumentation.installUrlConnection(inst, adviceBytes);
            clientLibrariesInstalled = true;
        }
        rules.add(rule);
        publish(rule.where().hook());
    }

    @Override
    public synchronized void disarm(FaultRule rule) {
        rules.remove(rule);
        publish(rule.where().hook());
    }

    private void publish(Hook hook) {
        FaultRule[] armed = rules.stream().filter(r -> r.where().hook() == hook).toArray(FaultRule[]::new);
        if (hook.isGrpc()) {
            GrpcHooks.publish(hook, armed);
        } else {
            ProtocolHooks.publish(hook, armed);
            if (hook == Hook.HTTP_SERVER) {
                ServletHooks.publish(armed);
                UndertowHooks.publish(armed);
            }
            ReactorNettyHooks.publish(hook, armed);
        }
        if (hook == Hook.HTTP_CLIENT) {
            OkHttpHooks.publish(armed);
            ApacheHttpHooks.publish(armed);
            UrlConnectionHooks.publish(armed);
        }
    }
}
