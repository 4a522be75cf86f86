package dev.faultline.agent.bootstrap;

/** Which calls a fault matches: the hook and its selectors. All null for process faults. */
public record Where(
        Hook hook,
        HostSelector host, // null = any host
        PortRange port, // null = any port
        String classPattern, // on=method only
        String methodPattern) { // on=method only

    void appendCanonical(StringBuilder b) {
        if (hook != null) b.append(" on=").append(hook.word());
        if (host != null) b.append(" host=").append(host);
        if (port != null) b.append(" port=").append(port);
        if (classPattern != null) b.append(" class=").append(classPattern);
        if (methodPattern != null) b.append(" method=").append(methodPattern);
    }
}
