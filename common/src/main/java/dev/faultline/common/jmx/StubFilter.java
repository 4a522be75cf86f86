package dev.faultline.common.jmx;

import java.io.ObjectInputFilter;
import java.util.Set;

/**
 * What the connector's stub in a target's {@code jmx.url} may hold: the exact classes of an {@code RMIServer} stub
 * routed through {@link UnixClientSockets}, nothing else, within small limits. The file is written by the target's
 * user, so it is read as hostile: every other class (even one {@link TargetFilter} lets through in call replies) is
 * refused at its class descriptor, before anything of it is instantiated, and the first one refused is named.
 * One instance per read.
 */
final class StubFilter implements ObjectInputFilter {
    static final Set<String> CLASSES = Set.of(
            "javax.management.remote.rmi.RMIServerImpl_Stub",
            "java.rmi.server.RemoteStub",
            "java.rmi.server.RemoteObject",
            UnixClientSockets.class.getName());
    /** A real stub: depth 2, a handful of references, about 450 bytes. */
    private static final ObjectInputFilter LIMITS =
            ObjectInputFilter.Config.createFilter("maxdepth=4;maxrefs=32;maxarray=0;maxbytes=4096");

    private volatile String refused;

    /** The first class refused, or null. */
    String refused() {
        return refused;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (LIMITS.checkInput(info) == Status.REJECTED) {
            if (refused == null)
                refused = "a stream over the limits (depth " + info.depth() + ", references " + info.references() + ", "
                        + info.streamBytes() + " bytes, array length " + info.arrayLength() + ")";
            return Status.REJECTED;
        }
        Class<?> c = info.serialClass();
        if (c == null) return Status.UNDECIDED;
        if (CLASSES.contains(c.getName())) return Status.ALLOWED;
        if (refused == null) refused = c.getName();
        return Status.REJECTED;
    }
}
