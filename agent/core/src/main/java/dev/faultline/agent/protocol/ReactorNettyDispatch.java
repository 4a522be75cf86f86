package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.ReactorNettyHooks;

/** Reactor Netty's server and client faults, behind the boot loader's entry points ({@link ReactorNettyHooks}). */
final class ReactorNettyDispatch implements ReactorNettyHooks.Dispatch {
    @Override
    public boolean serverState(FaultRule[] rules, Object handle, Object connection, Object state) {
        return ReactorNettyServerFaults.state(rules, handle, connection, state);
    }

    @Override
    public Object clientRequest(FaultRule[] rules, Object operations, Object request) {
        return ReactorNettyClientFaults.request(rules, operations, request);
    }
}
