package dev.faultline.common.jmx;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Where Faultline's MBeans live: in the platform MBean server, for local tools that attach as the same OS user
 * (jconsole's local attach), and in an MBean server of their own that holds nothing else, the only one the remote
 * connector serves. MLet, DiagnosticCommand, HotSpotDiagnostic and the rest of the platform never reach our port.
 */
public final class ControlPlane {
    private final MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
    private final MBeanServer faultlineOnly = MBeanServerFactory.newMBeanServer(RemoteAccess.DOMAIN);

    public void register(Object mbean, ObjectName name) throws JMException {
        if (!name.getDomain().equals(RemoteAccess.DOMAIN)) throw new IllegalArgumentException(name + " is not in " + RemoteAccess.DOMAIN);
        platform.registerMBean(mbean, name);
        try {
            faultlineOnly.registerMBean(mbean, name);
        } catch (JMException | RuntimeException e) {
            platform.unregisterMBean(name);
            throw e;
        }
    }

    public void unregister(ObjectName name) throws JMException {
        try {
            platform.unregisterMBean(name);
        } finally {
            faultlineOnly.unregisterMBean(name);
        }
    }

    /** The server the remote connector serves: Faultline's MBeans and nothing else. */
    public MBeanServer remote() {
        return faultlineOnly;
    }
}
