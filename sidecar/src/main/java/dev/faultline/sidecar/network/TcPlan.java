package dev.faultline.sidecar.network;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exact {@code tc}/{@code ip} commands that apply a shaping and the ones that revert it — pure argv, no
 * side effects, so tests can show them. Everything we add carries our own handle ({@code fa17:}, a child
 * {@code fa18:}), and reverts name that handle: tc refuses to delete a qdisc that is not ours.
 */
public final class TcPlan {
    public static final String HANDLE = "fa17:";
    public static final String CHILD = "fa18:";
    public static final String IFB = "flifb0";

    private final List<List<String>> apply = new ArrayList<>();
    private final List<List<String>> revert = new ArrayList<>();
    private final List<List<String>> verify = new ArrayList<>();

    public List<List<String>> apply() {
        return apply;
    }

    public List<List<String>> revert() {
        return revert;
    }

    /** Each exits 0 only once nothing of this change is left on the target (see {@link ChangePlan}). */
    public List<List<String>> verify() {
        return verify;
    }

    public ChangePlan plan() {
        return new ChangePlan(apply, revert, verify);
    }

    /**
     * What the qdisc shapes: packets to any of the {@code targets} CIDRs (from them, on ingress), from any of the
     * {@code sourcePorts} or to any of the {@code destinationPorts} (Pumba's {@code --egress-port} and
     * {@code --ingress-port}); all traffic when all are empty.
     */
    public record Filters(List<String> targets, List<Integer> sourcePorts, List<Integer> destinationPorts) {
        public Filters {
            targets = List.copyOf(targets);
            sourcePorts = List.copyOf(sourcePorts);
            destinationPorts = List.copyOf(destinationPorts);
        }

        boolean none() {
            return targets.isEmpty() && sourcePorts.isEmpty() && destinationPorts.isEmpty();
        }
    }

    /** @param qdisc e.g. {@code netem delay 100ms} or {@code tbf rate 1mbit …}; targets empty = all traffic */
    public static TcPlan of(String iface, List<String> qdisc, List<String> targets, boolean ingress) {
        return of(iface, qdisc, targets, ingress, null);
    }

    /**
     * @param txQueueLen the interface's transmit queue length before the change, or null if unknown: attaching a root
     *                   or an ingress qdisc to a device with none (a veth's 0) makes the kernel set it to 1000, so the
     *                   revert sets it back
     */
    public static TcPlan of(
            String iface, List<String> qdisc, List<String> targets, boolean ingress, Integer txQueueLen) {
        return of(iface, qdisc, new Filters(targets, List.of(), List.of()), ingress, txQueueLen);
    }

    public static TcPlan of(String iface, List<String> qdisc, Filters filters, boolean ingress, Integer txQueueLen) {
        List<String> targets = filters.targets();
        TcPlan p = new TcPlan();
        String dev = iface;
        if (ingress) {
            p.apply.add(List.of("ip", "link", "add", IFB, "type", "ifb"));
            p.apply.add(List.of("ip", "link", "set", IFB, "up"));
            p.apply.add(List.of("tc", "qdisc", "add", "dev", iface, "handle", "ffff:", "ingress"));
            p.apply.add(List.of(
                    "tc",
                    "filter",
                    "add",
                    "dev",
                    iface,
                    "parent",
                    "ffff:",
                    "protocol",
                    "all",
                    "u32",
                    "match",
                    "u32",
                    "0",
                    "0",
                    "action",
                    "mirred",
                    "egress",
                    "redirect",
                    "dev",
                    IFB));
            dev = IFB;
        }
        if (filters.none()) {
            p.apply.add(concat(List.of("tc", "qdisc", "add", "dev", dev, "root", "handle", HANDLE), qdisc));
        } else {
            // htb (prio is not in every kernel, this one's included): class 1 is the unshaped default, class 2 holds
            // the effect and gets the traffic the filters pick
            p.apply.add(List.of("tc", "qdisc", "add", "dev", dev, "root", "handle", HANDLE, "htb", "default", "1"));
            p.apply.add(List.of(
                    "tc", "class", "add", "dev", dev, "parent", HANDLE, "classid", "fa17:1", "htb", "rate", "10gbit",
                    "quantum", "60000"));
            p.apply.add(List.of(
                    "tc", "class", "add", "dev", dev, "parent", HANDLE, "classid", "fa17:2", "htb", "rate", "10gbit",
                    "quantum", "60000"));
            p.apply.add(concat(List.of("tc", "qdisc", "add", "dev", dev, "parent", "fa17:2", "handle", CHILD), qdisc));
            String direction = ingress ? "src" : "dst";
            for (String cidr : targets) {
                boolean v6 = cidr.contains(":");
                p.apply.add(List.of(
                        "tc",
                        "filter",
                        "add",
                        "dev",
                        dev,
                        "parent",
                        HANDLE,
                        "protocol",
                        v6 ? "ipv6" : "ip",
                        "prio",
                        v6 ? "2" : "1",
                        "u32",
                        "match",
                        v6 ? "ip6" : "ip",
                        direction,
                        cidr,
                        "flowid",
                        "fa17:2"));
            }
            // Pumba's port filters, each its own filter (a packet matching any is shaped); IPv4, as Pumba's
            for (int port : filters.sourcePorts()) p.apply.add(portFilter(dev, "sport", port));
            for (int port : filters.destinationPorts()) p.apply.add(portFilter(dev, "dport", port));
        }
        p.revert.add(List.of("tc", "qdisc", "del", "dev", dev, "root", "handle", HANDLE));
        if (ingress) {
            p.revert.add(List.of("tc", "qdisc", "del", "dev", iface, "handle", "ffff:", "ingress"));
            p.revert.add(List.of("ip", "link", "del", IFB));
            p.verify.add(ChangePlan.noQdiscMatching(iface, "qdisc ingress ffff:"));
            p.verify.add(ChangePlan.noLink(IFB));
        } else {
            p.verify.add(ChangePlan.noQdiscMatching(iface, "qdisc * fa1[78]: "));
        }
        if (txQueueLen != null) {
            p.revert.add(List.of("ip", "link", "set", "dev", iface, "txqueuelen", txQueueLen.toString()));
            p.verify.add(ChangePlan.txQueueLen(iface, txQueueLen));
        }
        return p;
    }

    private static List<String> portFilter(String dev, String direction, int port) {
        return List.of(
                "tc",
                "filter",
                "add",
                "dev",
                dev,
                "parent",
                HANDLE,
                "protocol",
                "ip",
                "prio",
                "1",
                "u32",
                "match",
                "ip",
                direction,
                Integer.toString(port),
                "0xffff",
                "flowid",
                "fa17:2");
    }

    /** The {@code qlen} that {@code ip -o link show} prints for a device (none printed: 0), or null if it says nothing. */
    public static Integer txQueueLen(String ipLinkShow) {
        if (!ipLinkShow.contains("mtu")) return null;
        Matcher m = Pattern.compile(" qlen (\\d+)").matcher(ipLinkShow);
        return m.find() ? Integer.valueOf(m.group(1)) : 0;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
