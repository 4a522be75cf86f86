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
    private static final ThreadLocal<Boolean> READING = new ThreadLocal<>();
    private static final TargetFilter INSTANCE = new TargetFilter();

    private TargetFilter() {}

    /** Runs {@code call} with what its thread deserializes held to {@link #ALLOWED}. */
    static <T> T reading(Callable<T> call) throws Exception {
        install();
        Boolean outer = READING.get();
        READING.set(Boolean.TRUE);
        try {
            return call.call();
        } finally {
            if (outer == null) READING.remove();
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
        return READING.get() == null ? Status.UNDECIDED : ALLOWED.checkInput(info);
    }

    @Override
    public String toString() {
        return "faultline target filter: " + PATTERN;
    }
}
