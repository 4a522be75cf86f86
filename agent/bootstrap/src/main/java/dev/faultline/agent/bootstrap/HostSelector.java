package dev.faultline.agent.bootstrap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * {@code host=}: a glob over a host name or IP literal ({@code *.internal}, {@code 10.0.*}) or a CIDR block
 * ({@code 10.0.0.0/8}, {@code fd00::/8}). Names are matched only as the application wrote them: the agent
 * never does a reverse look-up to find one.
 */
public final class HostSelector {
    private final String text;
    private final String glob; // lower case, null for CIDR
    private final byte[] network; // CIDR network bytes, null for a glob
    private final int prefixBits;

    private HostSelector(String text, String glob, byte[] network, int prefixBits) {
        this.text = text;
        this.glob = glob;
        this.network = network;
        this.prefixBits = prefixBits;
    }

    public static HostSelector parse(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            throw new Refusal("host=: empty; give a name, a glob such as *.internal, or a CIDR such as 10.0.0.0/8");
        }
        int slash = v.indexOf('/');
        if (slash < 0 && v.indexOf(':') >= 0 && Glob.isLiteral(v)) {
            // an IPv6 literal: Java writes ::1 as 0:0:0:0:0:0:0:1, so compare addresses, not text
            String bare = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
            return parse(bare + "/128");
        }
        if (slash < 0) {
            return new HostSelector(v, v.toLowerCase(Locale.ROOT), null, 0);
        }
        String ip = v.substring(0, slash);
        int bits;
        try {
            bits = Integer.parseInt(v.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new Refusal("host=" + value + ": the CIDR prefix length is not a number");
        }
        if (!isIpLiteral(ip)) {
            throw new Refusal("host=" + value + ": a CIDR block needs an IP literal before the '/'");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(ip).getAddress(); // a literal: no name service involved
        } catch (UnknownHostException e) {
            throw new Refusal("host=" + value + ": not an IP address");
        }
        if (bits < 0 || bits > bytes.length * 8) {
            throw new Refusal("host=" + value + ": prefix length must be 0-" + bytes.length * 8);
        }
        return new HostSelector(v, null, bytes, bits);
    }

    private static boolean isIpLiteral(String s) {
        if (s.indexOf(':') >= 0) return true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) return false;
        }
        return !s.isEmpty();
    }

    /** Matches a resolved address, with the name the application used if it is known without a look-up. */
    public boolean matches(InetAddress address, String knownName) {
        if (network != null) {
            return address != null && inNetwork(address);
        }
        if (knownName != null && Glob.matches(glob, knownName)) return true;
        return address != null && Glob.matches(glob, address.getHostAddress());
    }

    public boolean matches(InetSocketAddress remote) {
        InetAddress address = remote.getAddress();
        String name = remote.isUnresolved() || hasName(address) ? remote.getHostString() : null;
        return matches(address, name);
    }

    /** For dns: the name being looked up. */
    public boolean matchesName(String name) {
        if (network != null) {
            return isIpLiteral(name) && matchesLiteral(name);
        }
        return Glob.matches(glob, name);
    }

    private boolean matchesLiteral(String literal) {
        try {
            return inNetwork(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean hasName(InetAddress address) {
        if (address == null) return false;
        String s = address.toString();
        return s.indexOf('/') > 0;
    }

    private boolean inNetwork(InetAddress address) {
        if (network.length == 4 && address instanceof Inet4Address) {
            int bits = address.hashCode(); // Inet4Address.hashCode() is its address: no allocation on this path
            int net = ((network[0] & 0xff) << 24)
                    | ((network[1] & 0xff) << 16)
                    | ((network[2] & 0xff) << 8)
                    | (network[3] & 0xff);
            int mask = prefixBits == 0 ? 0 : -1 << (32 - prefixBits);
            return (bits & mask) == (net & mask);
        }
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) return false;
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) return false;
        }
        int rest = prefixBits % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
