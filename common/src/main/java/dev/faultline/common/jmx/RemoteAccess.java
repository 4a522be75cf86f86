package dev.faultline.common.jmx;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.AccessController;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * What a remote client may do on our port, checked in front of the connector's MBean server. The server behind
 * it holds only {@code dev.faultline:*}; this guard also refuses every call that would add code or MBeans to the
 * process (create, register, unregister, instantiate, class loaders, deserialize) whoever asks, and gives a
 * {@code readonly} user the reads and {@code list()} only. Everything not listed here is refused.
 */
public final class RemoteAccess implements InvocationHandler {
    /** Calls that only read; allowed to every authenticated user. */
    private static final Set<String> READS = Set.of(
            "getAttribute",
            "getAttributes",
            "getMBeanInfo",
            "getObjectInstance",
            "isRegistered",
            "isInstanceOf",
            "queryNames",
            "queryMBeans",
            "getMBeanCount",
            "getDefaultDomain",
            "getDomains",
            "addNotificationListener",
            "removeNotificationListener");
    /**
     * The connector's own calls to unmarshal a client's parameters with the MBean's class loader; no remote
     * client can make them (they are not in {@code MBeanServerConnection}).
     */
    private static final Set<String> CONNECTOR_INTERNAL = Set.of("getClassLoaderRepository", "getClassLoaderFor");

    private static final Set<String> WRITES = Set.of("invoke", "setAttribute", "setAttributes");
    /** Operations of our MBeans that only read (design.md: list() on the Agent and on the Sidecar). */
    private static final Set<String> READ_OPERATIONS = Set.of("list");

    static final String DOMAIN = "dev.faultline";
    private static final String DELEGATE_DOMAIN = "JMImplementation";

    /** The role of the remote caller whose call is being served on this thread; unset for a local call. */
    private static final ThreadLocal<Role> CALLER = new ThreadLocal<>();

    private final Map<String, Role> roles;
    private final Role withoutAccessFile;
    private MBeanServer target;

    /**
     * @param roles             users and their roles (an access file), or null: every authenticated user has
     *                          {@code withoutAccessFile}
     * @param withoutAccessFile READWRITE, or ATTACH where the only user is the generated one (whoever can read its
     *                          password is root, who could attach anyway)
     */
    private RemoteAccess(Map<String, Role> roles, Role withoutAccessFile) {
        this.roles = roles;
        this.withoutAccessFile = withoutAccessFile;
    }

    public static MBeanServerForwarder forwarder(Map<String, Role> roles) {
        return forwarder(roles, Role.READWRITE);
    }

    /** As {@link #forwarder(Map)}; without an access file every authenticated user has {@code withoutAccessFile}. */
    public static MBeanServerForwarder forwarder(Map<String, Role> roles, Role withoutAccessFile) {
        return (MBeanServerForwarder) Proxy.newProxyInstance(
                MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class},
                new RemoteAccess(roles, withoutAccessFile));
    }

    /**
     * The role of the remote user whose call this thread serves (an MBean asks it for a right finer than its
     * operations, such as the sidecar's {@code jvm} verbs); empty for a call that did not come over our connector.
     */
    public static Optional<Role> callerRole() {
        return Optional.ofNullable(CALLER.get());
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        String name = m.getName();
        switch (name) {
            case "getMBeanServer":
                return target;
            case "setMBeanServer":
                target = (MBeanServer) args[0];
                return null;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "toString":
                return "RemoteAccess" + (roles == null ? "" : roles.keySet());
            default:
                break;
        }
        if (CONNECTOR_INTERNAL.contains(name)) return call(m, args);
        boolean read = READS.contains(name);
        if (!read && !WRITES.contains(name)) {
            throw new SecurityException(name
                    + " is not allowed over Faultline's JMX port (only its own MBeans' attributes and operations are)");
        }
        if (name.endsWith("NotificationListener") && args.length > 1 && args[1] instanceof ObjectName) {
            throw new SecurityException(name + " with an MBean as listener is not allowed over Faultline's JMX port");
        }
        if (args != null && args.length > 0 && args[0] instanceof ObjectName on) checkDomain(on, read);
        boolean writes = !read && !(name.equals("invoke") && READ_OPERATIONS.contains((String) args[1]));
        Role role = checkRole(writes, name.equals("invoke") ? args[1] + "()" : name);
        Role outer = CALLER.get();
        CALLER.set(role);
        try {
            return call(m, args);
        } finally {
            if (outer == null) CALLER.remove();
            else CALLER.set(outer);
        }
    }

    private Object call(Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void checkDomain(ObjectName on, boolean read) {
        String domain = on.getDomain();
        if (domain.equals(DOMAIN) || (read && (domain.equals(DELEGATE_DOMAIN) || on.isDomainPattern()))) return;
        throw new SecurityException(on + " is not a Faultline MBean: only " + DOMAIN + ":* is served on this port");
    }

    /** With an access file, a user it does not name may do nothing, a readonly one may not write. @return the caller's role */
    private Role checkRole(boolean writes, String what) {
        if (roles == null) return withoutAccessFile;
        Subject subject = currentSubject();
        String user = subject == null
                ? null
                : subject.getPrincipals(JMXPrincipal.class).stream()
                        .map(JMXPrincipal::getName)
                        .findFirst()
                        .orElse(null);
        Role role = user == null ? null : roles.get(user);
        if (role == null)
            throw new SecurityException(
                    what + ": " + (user == null ? "not authenticated" : user + " is not in the access file"));
        if (writes && !role.writes())
            throw new SecurityException(what + " needs the readwrite role; " + user + " is readonly");
        return role;
    }

    /** {@code Subject.current()} where the JDK has it (18+, and the only way on 24+), else the access-control context. */
    private static final MethodHandle CURRENT = currentHandle();

    private static MethodHandle currentHandle() {
        try {
            return MethodHandles.publicLookup()
                    .findStatic(Subject.class, "current", MethodType.methodType(Subject.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    @SuppressWarnings("removal")
    static Subject currentSubject() {
        try {
            if (CURRENT != null) return (Subject) CURRENT.invokeExact();
            return Subject.getSubject(AccessController.getContext());
        } catch (Throwable t) {
            return null;
        }
    }
}
