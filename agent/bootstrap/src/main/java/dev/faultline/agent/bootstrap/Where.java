package dev.faultline.agent.bootstrap;

/**
 * Which calls a fault matches: the hook and its selectors. All null for process faults. {@code methodPattern} is
 * the method glob of {@code on=method}, the HTTP verb (upper case, or {@code *}) of {@code on=http-*} and the gRPC
 * method glob of {@code on=grpc-*}; globs are kept lower case, as {@link Glob} wants them.
 */
public record Where(
        Hook hook,
        HostSelector host, // null = any host
        PortRange port, // null = any port
        String classPattern, // on=method only
        String methodPattern, // on=method, on=http-*, on=grpc-*
        String pathPattern, // on=http-* only: a glob of the request path
        String servicePattern) { // on=grpc-* only: a glob of the full service name

    public Where(Hook hook, HostSelector host, PortRange port, String classPattern, String methodPattern) {
        this(hook, host, port, classPattern, methodPattern, null, null);
    }

    /** An HTTP request: its verb, its path (no query), its peer's host name and port (the client's target). */
    public boolean matchesHttp(String verb, String path, String hostName, int peerPort) {
        if (methodPattern != null && !methodPattern.equals("*") && !methodPattern.equalsIgnoreCase(verb)) return false;
        if (pathPattern != null && (path == null || !Glob.matches(pathPattern, path))) return false;
        return matchesPeer(hostName, peerPort);
    }

    /** A gRPC call: {@code fullMethod} is {@code package.Service/Method}. */
    public boolean matchesGrpc(String fullMethod, String hostName, int peerPort) {
        int slash = fullMethod.lastIndexOf('/');
        String service = slash < 0 ? "" : fullMethod.substring(0, slash);
        String method = fullMethod.substring(slash + 1);
        if (servicePattern != null && !Glob.matches(servicePattern, service)) return false;
        if (methodPattern != null && !Glob.matches(methodPattern, method)) return false;
        return matchesPeer(hostName, peerPort);
    }

    private boolean matchesPeer(String hostName, int peerPort) {
        if (port != null && !port.contains(peerPort)) return false;
        return host == null || (hostName != null && host.matchesName(hostName));
    }

    void appendCanonical(StringBuilder b) {
        if (hook != null) b.append(" on=").append(hook.word());
        if (host != null) b.append(" host=").append(host);
        if (port != null) b.append(" port=").append(port);
        if (classPattern != null) b.append(" class=").append(classPattern);
        if (servicePattern != null) b.append(" service=").append(servicePattern);
        if (methodPattern != null) b.append(" method=").append(methodPattern);
        if (pathPattern != null) b.append(" path=").append(pathPattern);
    }
}
