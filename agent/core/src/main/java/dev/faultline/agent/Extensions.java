package dev.faultline.agent;

import dev.faultline.agent.fault.FaultRegistry;
import dev.faultline.agent.method.MethodFaults;
import dev.faultline.agent.process.ProcessFaults;
import net.bytebuddy.dynamic.ClassFileLocator;

import java.lang.instrument.Instrumentation;

/** Fault families beyond the network hooks: method faults and process faults register their handlers here. */
final class Extensions {
    private Extensions() {
    }

    static void install(FaultRegistry registry, Instrumentation inst, ClassFileLocator adviceBytes, boolean dynamic) {
        registry.addHandler(new MethodFaults(inst, adviceBytes));
        registry.addHandler(new ProcessFaults(() -> registry));
    }
}
