package dev.faultline.common.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * Where Faultline's MBeans live: in the platform MBean server, for local tools that attach as the same OS user
 * (jconsole's local attach), and in an MBean server of their own that holds nothing else, the only one the remote
 * connector serves. MLet, DiagnosticCommand, HotSpotDiagnostic and the rest of the platform never reach our port.
 * <p>
 * A {@link #lazy()} plane (the agent's) creates neither server: it keeps what is registered, makes each MBean only
 * when a server is there to hold it, registers them in the platform server once {@link #platformAppeared} says
 * someone created it (a local tool, the service itself), and creates our own server at the first {@link #remote()}.
 * JMX is some 600 classes and 5 MiB of a service's memory, which a service that never asks should not pay for.
 */
public final class ControlPlane {
    /** One MBean: its name as given (its keys' order is what exporters' patterns match), how to make it, and (once made) the instance both servers share. */
    private static final class Entry {
        final String name;
        final Supplier<?> make;
        Object mbean;

        Entry(String name, Supplier<?> make) {
            this.name = name;
            this.make = make;
        }

        Object mbean() {
            if (mbean == null) mbean = make.get();
            return mbean;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private MBeanServer platform;
    private MBeanServer faultlineOnly;

    /** Both servers at once (the sidecar's daemon, which serves JMX from its start). */
    public ControlPlane() {
        platform = ManagementFactory.getPlatformMBeanServer();
        remote();
    }

    private ControlPlane(boolean lazy) {}

    /** Neither server until one is asked for or appears. */
    public static ControlPlane lazy() {
        return new ControlPlane(true);
    }

    public void register(Object mbean, ObjectName name) throws JMException {
        register(name.toString(), () -> mbean);
    }

    /** Registers it in each server there is now, and in each that comes later; {@code make} runs once, when the first does. */
    public synchronized void register(String name, Supplier<?> make) throws JMException {
        ObjectName on = new ObjectName(name);
        if (!on.getDomain().equals(RemoteAccess.DOMAIN))
            throw new IllegalArgumentException(name + " is not in " + RemoteAccess.DOMAIN);
        if (entries.containsKey(on.getCanonicalName())) throw new InstanceAlreadyExistsException(name);
        Entry e = new Entry(name, make);
        List<MBeanServer> done = new ArrayList<>();
        try {
            for (MBeanServer s : servers()) {
                s.registerMBean(e.mbean(), on);
                done.add(s);
            }
        } catch (JMException | RuntimeException failed) {
            for (MBeanServer s : done) s.unregisterMBean(on);
            throw failed;
        }
        entries.put(on.getCanonicalName(), e);
    }

    public void unregister(ObjectName name) throws JMException {
        unregister(name.toString());
    }

    public synchronized void unregister(String name) throws JMException {
        ObjectName on = new ObjectName(name);
        entries.remove(on.getCanonicalName());
        JMException first = null;
        for (MBeanServer s : servers()) {
            try {
                s.unregisterMBean(on);
            } catch (JMException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** The server the remote connector serves: Faultline's MBeans and nothing else; created by the first call. */
    public MBeanServer remote() {
        synchronized (this) {
            if (faultlineOnly != null) return faultlineOnly;
        }
        // made outside our lock: JMX makes every server holding the builder's lock, and the platform server's making
        // calls platformAppeared (our lock) under it; holding ours here while waiting for the builder's deadlocked a
        // service whose JDK JMX agent started as the agent's control thread did (a CI run of ProcessFaultsIT)
        MBeanServer s = MBeanServerFactory.newMBeanServer(RemoteAccess.DOMAIN);
        synchronized (this) {
            if (faultlineOnly
                    == null) { // a racing caller's server, if any, is dropped unused: newMBeanServer keeps no reference
                for (Entry e : entries.values()) registerQuietly(s, e);
                faultlineOnly = s;
            }
            return faultlineOnly;
        }
    }

    /**
     * The platform server exists now (created by whoever first asked for it): every MBean registered so far goes
     * in, and every later one. Idempotent for the same server. Called from inside its creation, so it never asks
     * {@code ManagementFactory} for it (that would create a second one) and never throws.
     */
    public synchronized void platformAppeared(MBeanServer server) {
        if (platform != null) return;
        platform = server;
        for (Entry e : entries.values()) registerQuietly(server, e);
    }

    /** Whether the platform server has our MBeans (for tests and the log). */
    public synchronized boolean inPlatform() {
        return platform != null;
    }

    private List<MBeanServer> servers() {
        List<MBeanServer> l = new ArrayList<>(2);
        if (platform != null) l.add(platform);
        if (faultlineOnly != null) l.add(faultlineOnly);
        return l;
    }

    /** One that is there already (a platform server that had it from an earlier plane) is left as it is. */
    private static void registerQuietly(MBeanServer s, Entry e) {
        try {
            s.registerMBean(e.mbean(), new ObjectName(e.name));
        } catch (JMException | RuntimeException ignored) {
            // already there, or refused: the other server still has it
        }
    }
}
