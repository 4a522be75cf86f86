package dev.faultline.agent.bootstrap;

/** {@code port=5432} or {@code port=8000-8099}. */
public record PortRange(int low, int high) {
    public static PortRange parse(String value) {
        String v = value.trim();
        int dash = v.indexOf('-');
        try {
            int low = Integer.parseInt(dash < 0 ? v : v.substring(0, dash));
            int high = dash < 0 ? low : Integer.parseInt(v.substring(dash + 1));
            if (low < 0 || high > 65535 || low > high) {
                throw new Refusal("port=" + value + ": ports are 0-65535 and a range is low-high");
            }
            return new PortRange(low, high);
        } catch (NumberFormatException e) {
            throw new Refusal("port=" + value + ": not a port number or range (e.g. port=5432, port=8000-8099)");
        }
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    @Override
    public String toString() {
        return low == high ? Integer.toString(low) : low + "-" + high;
    }
}
