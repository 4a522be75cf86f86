package dev.faultline.sidecar.network;

import java.util.ArrayList;
import java.util.List;

/** Pumba's port lists ({@code --egress-port 80,443}): one port or a comma list, each 1-65535. */
public final class Ports {
    private Ports() {}

    /** The ports, in order; empty when {@code value} is null or blank. */
    public static List<Integer> parse(String flag, String value) {
        List<Integer> out = new ArrayList<>();
        if (value == null || value.isBlank()) return out;
        for (String word : value.split(",", -1)) {
            String w = word.trim();
            int port;
            try {
                port = Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " " + value + ": '" + w + "' is not a port (1-65535)");
            }
            if (port < 1 || port > 65535)
                throw new IllegalArgumentException(flag + " " + value + ": " + port + " is not a port (1-65535)");
            out.add(port);
        }
        return out;
    }
}
