package dev.faultline.agent.jmx;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.FaultCounters;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.fault.FaultRegistry;
import dev.faultline.common.jmx.ControlPlane;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Agent MBean, one MBean per action, and one per armed fault (removed when it is disarmed), in the
 * {@link ControlPlane}: the platform server for local tools, Faultline's own for the remote port.
 */
public final class FaultBeans implements FaultRegistry.Listener {
    private static final Logger log = LoggerFactory.getLogger(FaultBeans.class);
    public static final String AGENT = "dev.faultline:type=Agent";

    private final ControlPlane server;

    public FaultBeans(ControlPlane server) {
        this.server = server;
    }

    /** Each MBean is made when a server first holds it (the plane may have none yet): JMX's introspection waits too. */
    public void registerAgent(AgentControl control) throws Exception {
        server.register(AGENT, () -> standard(control, AgentMBean.class));
        for (Action action : Action.values()) {
            ActionMBean bean = () -> FaultCounters.byAction(action);
            server.register("dev.faultline:type=Action,name=" + action.word(), () -> standard(bean, ActionMBean.class));
        }
    }

    private static <T> StandardMBean standard(T impl, Class<T> type) {
        try {
            return new StandardMBean(impl, type);
        } catch (NotCompliantMBeanException e) {
            throw new IllegalStateException(type + " is not an MBean interface", e);
        }
    }

    @Override
    public void armed(FaultRule rule) {
        FaultMBean bean = new FaultMBean() {
            public String getId() {
                return rule.id();
            }

            public String getSpec() {
                return rule.spec().canonical();
            }

            public long getInjected() {
                return rule.injectedCount();
            }

            public long getMatched() {
                return rule.matchedCount();
            }
        };
        try {
            server.register(name(rule), () -> standard(bean, FaultMBean.class));
        } catch (Exception e) {
            log.warn("could not register the MBean of fault {}", rule.id(), e);
        }
    }

    @Override
    public void disarmed(FaultRule rule, String why) {
        try {
            server.unregister(name(rule));
        } catch (Exception e) {
            log.debug("MBean of fault {} was not registered", rule.id());
        }
    }

    private static String name(FaultRule rule) {
        String on =
                rule.where().hook() == null ? "process" : rule.where().hook().word();
        return "dev.faultline:type=Fault,id=" + rule.id() + ",action="
                + rule.action().word() + ",on=" + on;
    }
}
