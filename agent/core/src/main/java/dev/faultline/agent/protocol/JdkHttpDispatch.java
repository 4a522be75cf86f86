package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.ProtocolHooks;
import java.io.IOException;

/** The JDK's HTTP server and client faults, behind the boot loader's entry points ({@link ProtocolHooks}). */
final class JdkHttpDispatch implements ProtocolHooks.Dispatch {
    @Override
    public boolean jdkHttpServer(FaultRule[] rules, Object exchange) throws IOException {
        return JdkHttpServerFaults.handle(rules, exchange);
    }

    @Override
    public Object jdkHttpClientSend(FaultRule[] rules, Object client, Object request, Object bodyHandler) {
        return JdkHttpClientFaults.send(rules, client, request, bodyHandler);
    }

    @Override
    public Object jdkHttpClientSent(FaultRule[] rules, Object request, Object future) {
        return JdkHttpClientFaults.sent(rules, request, future);
    }
}
