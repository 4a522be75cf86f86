package dev.faultline.common.jmx;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.concurrent.Callable;

/**
 * What a client may read from a JVM it does not trust (one in another container): the connector's stubs, names,
 * strings, numbers, exceptions and MBean descriptions; nothing else. RMI reads replies on the calling thread with
 * no per-call filter, so this is the process-wide filter (installed once, at the first use), deciding only inside
 * {@link #reading} and leaving every other stream of the process to its own filter or none. Where the process has
 * a wide filter already ({@code jdk.serialFilter}), nothing is read from a target at all.
 */
final class TargetFilter implements ObjectInputFilter {
    static final String PATTERN = "maxdepth=20;maxrefs=10000;maxarray=1048576;maxbytes=4194304;"
            + "java.lang.*;javax.management.*;java.rmi.*;java.rmi.server.*;java.util.ArrayList;java.util.HashSet;"
            + "java.util.Collections$UnmodifiableRandomAccessList;java.util.Collections$UnmodifiableList;"
            + "java.util.Collections$UnmodifiableCollection;java.util.Collections$EmptyList;"
            + "javax.management.remote.rmi.RMIServerImpl_Stub;javax.management.remote.rmi.RMIConnectionImpl_Stub;"
            + "dev.faultline.common.jmx.UnixClientSockets;!*";

    static final ObjectInputFilter ALLOWED = ObjectInputFilter.Config.createFilter(PATTERN);

    /**
     * A call's reply: what the agent's MBean returns (open types: strings, numbers, booleans, string arrays) or the
     * exceptions a refused call carries (the agent's own, the MBean server's, RMI's), with their stack traces; no
     * collections, no other class of {@code java.lang} or {@code javax.management}.
     */
    static final String CALL_PATTERN = "maxdepth=12;maxrefs=2000;maxarray=65536;maxbytes=1048576;"
            + "java.lang.String;java.lang.Boolean;java.lang.Integer;java.lang.Long;java.lang.Number;"
            + "java.lang.Throwable;java.lang.Exception;java.lang.RuntimeException;java.lang.Error;"
            + "java.lang.IllegalArgumentException;java.lang.IllegalStateException;java.lang.SecurityException;"
            + "java.lang.UnsupportedOperationException;java.lang.NullPointerException;java.lang.StackTraceElement;"
            + "java.util.Collections$EmptyList;java.util.Collections$UnmodifiableRandomAccessList;"
            + "javax.management.JMException;javax.management.JMRuntimeException;javax.management.OperationsException;"
            + "javax.management.MBeanException;"
            + "javax.management.ReflectionException;javax.management.RuntimeMBeanException;"
            + "javax.management.RuntimeOperationsException;javax.management.RuntimeErrorException;"
            + "javax.management.InstanceNotFoundException;javax.management.AttributeNotFoundException;"
            + "java.io.IOException;java.rmi.RemoteException;java.rmi.ServerException;java.rmi.ServerError;"
            + "java.rmi.UnmarshalException;java.rmi.MarshalException;java.rmi.NoSuchObjectException;!*";

    static final ObjectInputFilter CALL_REPLIES = ObjectInputFilter.Config.createFilter(CALL_PATTERN);

    /** The filter of what this thread reads from a target now, or null when it reads from none. */
    private static final ThreadLocal<ObjectInputFilter> READING = new ThreadLocal<>();

    private static final TargetFilter INSTANCE = new TargetFilter();

    private TargetFilter() {}

    /** Runs {@code call} with what its thread deserializes held to {@link #ALLOWED}: the connector's log-in. */
    static <T> T reading(Callable<T> call) throws Exception {
        return reading(ALLOWED, call);
    }

    /** Runs an MBean call with its reply held to {@link #CALL_REPLIES}. */
    static <T> T readingReply(Callable<T> call) throws Exception {
        return reading(CALL_REPLIES, call);
    }

    /** The class the last read of this thread refused, for the caller's message; null when none was refused. */
    private static final ThreadLocal<String> REFUSED = new ThreadLocal<>();

    static String refused() {
        return REFUSED.get();
    }

    private static <T> T reading(ObjectInputFilter filter, Callable<T> call) throws Exception {
        install();
        ObjectInputFilter outer = READING.get();
        READING.set(filter);
        REFUSED.remove();
        try {
            return call.call();
        } finally {
            if (outer == null) READING.remove();
            else READING.set(outer);
        }
    }

    /** Whether this thread is reading from a target now. */
    static boolean isReading() {
        return READING.get() != null;
    }

    static synchronized void install() throws IOException {
        ObjectInputFilter current = ObjectInputFilter.Config.getSerialFilter();
        if (current == INSTANCE) return;
        if (current != null)
            throw new IOException("a process-wide deserialization filter is set already (" + current
                    + "); Faultline reads nothing from a target JVM without its own");
        ObjectInputFilter.Config.setSerialFilter(INSTANCE);
    }

    @Override
    public Status checkInput(FilterInfo info) {
        ObjectInputFilter scope = READING.get();
        if (scope == null) return Status.UNDECIDED;
        Status s = scope.checkInput(info);
        if (s == Status.REJECTED)
            REFUSED.set(info.serialClass() != null ? info.serialClass().getName() : "more than its limits allow");
        return s;
    }

    @Override
    public String toString() {
        return "faultline target filter: " + PATTERN;
    }
}
