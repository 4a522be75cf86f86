package dev.faultline.cli.fleet;

/**
 * One control-plane endpoint, {@code HOST:PORT} ({@code [::1]:9010} for IPv6), and what answers there;
 * {@code container} names the Docker container it was found in ({@code --docker-label}), else null.
 */
public record Target(String host, int port, Kind kind, String container) {
    public Target(String host, int port, Kind kind) {
        this(host, port, kind, null);
    }

    public enum Kind {
        AGENT("agent", "dev.faultline:type=Agent"),
        SIDECAR("sidecar", "dev.faultline:type=Sidecar");

        public final String word;
        public final String objectName;

        Kind(String word, String objectName) {
            this.word = word;
            this.objectName = objectName;
        }
    }

    public static Target parse(String text, Kind kind) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1)
            throw new IllegalArgumentException("--jmx " + text + ": give HOST:PORT, e.g. 127.0.0.1:9010");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--jmx " + text + ": the port is not a number");
        }
        if (port < 1 || port > 65535)
            throw new IllegalArgumentException("--jmx " + text + ": the port must be 1-65535");
        return new Target(host, port, kind);
    }

    /** As the operator typed it, so errors name the target they gave. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The address, and the container it was found in. */
    public String shown() {
        return container == null ? address() : address() + " (" + container + ")";
    }

    @Override
    public String toString() {
        return kind.word + " " + shown();
    }
}
