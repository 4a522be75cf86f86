package dev.faultline.agent.jmx;

import dev.faultline.agent.bootstrap.FaultCounters;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.fault.FaultRegistry;
import dev.faultline.agent.hook.NetworkInstrumentation;
import dev.faultline.agent.method.MethodFaults;
import dev.faultline.agent.spec.SpecException;

/** The Agent MBean: the control plane's only door into the registry. */
public final class AgentControl implements AgentMBean {
    private final FaultRegistry registry;
    private final String version;

    public AgentControl(FaultRegistry registry, String version) {
        this.registry = registry;
        this.version = version;
    }

    @Override
    public String add(String spec) {
        try {
            return registry.arm(spec);
        } catch (SpecException e) {
            // a JDK type, so any JMX client can show the message without our classes
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    @Override
    public boolean remove(String id) {
        return id != null && registry.remove(id.trim());
    }

    @Override
    public int clear() {
        return registry.clear();
    }

    @Override
    public String[] list() {
        return registry.active().stream().map(FaultRule::describe).toArray(String[]::new);
    }

    @Override
    public boolean isArmed() {
        return !registry.active().isEmpty();
    }

    @Override
    public long getInjectedTotal() {
        return FaultCounters.total();
    }

    @Override
    public String getVersion() {
        return version;
    }

    @Override
    public int getActiveFaults() {
        return registry.active().size();
    }

    @Override
    public long getInternalErrors() {
        return InternalErrors.count();
    }

    @Override
    public int getTransformErrors() {
        return NetworkInstrumentation.transformErrors() + MethodFaults.TRANSFORM_ERRORS.get();
    }
}
