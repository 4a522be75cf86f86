package dev.faultline.sidecar.network;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address, with an optional prefix length, checked before it goes into a tc or iptables argv.
 * Only literals: nothing here ever resolves a name.
 */
public final class Cidr {
    private static final Pattern V4 =
            Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:/(\\d{1,2}))?");
    private static final Pattern V6 = Pattern.compile("([0-9a-fA-F:.]{2,45})(?:/(\\d{1,3}))?");

    private Cidr() {}

    /** Returns {@code value} if it is an address or CIDR; else refuses it, naming {@code option}. */
    public static String check(String option, String value) {
        if (value != null && valid(value)) return value;
        throw new IllegalArgumentException(
                option + " " + value + ": not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, fd00::/8)");
    }

    static boolean valid(String value) {
        Matcher m4 = V4.matcher(value);
        if (m4.matches()) {
            for (int i = 1; i <= 4; i++) if (Integer.parseInt(m4.group(i)) > 255) return false;
            return m4.group(5) == null || Integer.parseInt(m4.group(5)) <= 32;
        }
        Matcher m6 = V6.matcher(value);
        if (!m6.matches() || !m6.group(1).contains(":")) return false;
        if (m6.group(2) != null && Integer.parseInt(m6.group(2)) > 128) return false;
        try {
            return InetAddress.getByName(m6.group(1))
                    instanceof Inet6Address; // a literal with ':' is parsed, never looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A TCP/UDP port, 1-65535. */
    public static Integer port(String option, Integer value) {
        if (value == null || (value >= 1 && value <= 65535)) return value;
        throw new IllegalArgumentException(option + " " + value + ": not a port (1-65535)");
    }
}
