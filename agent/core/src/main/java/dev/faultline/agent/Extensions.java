package dev.faultline.agent;

import dev.faultline.agent.fault.FaultRegistry;
import dev.faultline.agent.method.MethodFaults;
import dev.faultline.agent.process.ProcessFaults;
import dev.faultline.agent.protocol.ProtocolFaults;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.dynamic.ClassFileLocator;

/** Fault families beyond the network hooks: method, process and protocol faults register their handlers here. */
final class Extensions {
    private Extensions() {}

    /** Returns the method-fault handler, whose hook path the installer warms up. */
    static MethodFaults install(FaultRegistry registry, Instrumentation inst, ClassFileLocator adviceBytes) {
        MethodFaults methods = new MethodFaults(inst, adviceBytes);
        registry.addHandler(methods);
        registry.addHandler(new ProcessFaults(() -> registry));
        registry.addHandler(new ProtocolFaults(inst, adviceBytes));
        return methods;
    }
}
