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

    static void install(FaultRegistry registry, Instrumentation inst, ClassFileLocator adviceBytes) {
        registry.addHandler(new MethodFaults(inst, adviceBytes));
        registry.addHandler(new ProcessFaults(() -> registry));
        registry.addHandler(new ProtocolFaults(inst, adviceBytes));
    }
}
