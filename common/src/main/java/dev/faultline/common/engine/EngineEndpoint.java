package dev.faultline.common.engine;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** Where a Docker engine listens: {@code unix:///path} or {@code tcp://host:port}, as {@code DOCKER_HOST} names it. */
public record EngineEndpoint(String uri, SocketAddress address) {
    /** Docker's own default, when {@code DOCKER_HOST} is unset or blank. */
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    /** {@code DOCKER_HOST}, or {@link #DEFAULT_HOST}. */
    public static String host() {
        return host(System.getenv("DOCKER_HOST"));
    }

    public static String host(String dockerHost) {
        return dockerHost != null && !dockerHost.isBlank() ? dockerHost : DEFAULT_HOST;
    }

    public static EngineEndpoint parse(String host) {
        if (host.startsWith("unix://")) return new EngineEndpoint(host, UnixDomainSocketAddress.of(socketPath(host)));
        if (host.startsWith("tcp://")) {
            String rest = host.substring("tcp://".length());
            int slash = rest.indexOf('/');
            if (slash >= 0) rest = rest.substring(0, slash);
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || rest.endsWith("]")) return tcp(host, rest, 2375);
            try {
                return tcp(host, rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(host + ": not a port number: " + rest.substring(colon + 1));
            }
        }
        throw new IllegalArgumentException(host + ": an engine endpoint is unix:///path or tcp://host:port");
    }

    private static EngineEndpoint tcp(String uri, String host, int port) {
        return new EngineEndpoint(uri, new InetSocketAddress(unbracket(host), port));
    }

    /** The path of a {@code unix://} host. */
    public static Path socketPath(String unixHost) {
        return Path.of(unixHost.substring("unix://".length()));
    }

    private static String unbracket(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    public boolean unix() {
        return address instanceof UnixDomainSocketAddress;
    }

    ProtocolFamily family() {
        if (unix()) return StandardProtocolFamily.UNIX;
        boolean v6 = ((InetSocketAddress) address).getAddress() instanceof Inet6Address;
        return v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    @Override
    public String toString() {
        return uri;
    }
}
