package dev.faultline.sidecar.network;

import java.util.ArrayList;
import java.util.List;

/**
 * One iptables DROP rule with {@code -m statistic} (random probability or every Nth packet). Each change adds it
 * tagged with a comment naming the change, so the revert deletes exactly that rule and nothing the target had.
 */
public record IptablesRule(
        String chain,
        String iface,
        String protocol,
        String source,
        String destination,
        String sourcePorts,
        String destinationPorts,
        Double probability,
        Integer every,
        int packet) {

    public IptablesRule {
        if (probability == null && every == null)
            throw new IllegalArgumentException("iptables loss needs --probability or --every");
        if (probability != null && every != null)
            throw new IllegalArgumentException("give --probability or --every, not both");
        if (probability != null && (probability <= 0 || probability > 1))
            throw new IllegalArgumentException("--probability " + probability + ": expected above 0 and at most 1");
        if (every != null && every < 1) throw new IllegalArgumentException("--every " + every + ": expected 1 or more");
        if (every == null && packet != 0) throw new IllegalArgumentException("--packet is for --mode nth (--every N)");
        if (every != null && (packet < 0 || packet > every - 1))
            throw new IllegalArgumentException("invalid loss packet: must be 0 <= packet <= every-1 (--packet " + packet
                    + ", --every " + every + ")");
        if ((sourcePorts != null || destinationPorts != null) && protocol == null) {
            throw new IllegalArgumentException("--sport/--dport need --protocol tcp or udp");
        }
        if (protocol != null && !List.of("tcp", "udp", "icmp", "all").contains(protocol))
            throw new IllegalArgumentException("--protocol " + protocol + ": expected any, tcp, udp, icmp or all");
        if (iface != null && !iface.matches("[A-Za-z0-9_.-]{1,15}"))
            throw new IllegalArgumentException("--interface " + iface + ": not an interface name");
        if (source != null) for (String s : source.split(",", -1)) Cidr.check("--source", s);
        if (destination != null) for (String d : destination.split(",", -1)) Cidr.check("--destination", d);
        ports("--src-port", sourcePorts);
        ports("--dst-port", destinationPorts);
    }

    /** The sidecar's own words: one port each, no interface, every Nth from packet 0. */
    public IptablesRule(
            String chain,
            String protocol,
            String source,
            String destination,
            Integer sourcePort,
            Integer destinationPort,
            Double probability,
            Integer every) {
        this(
                chain,
                null,
                protocol,
                source,
                destination,
                sourcePort == null ? null : sourcePort.toString(),
                destinationPort == null ? null : destinationPort.toString(),
                probability,
                every,
                0);
    }

    /** A port or Pumba's comma-separated list of them ({@code 80,443}), each 1-65535. */
    private static void ports(String option, String ports) {
        if (ports == null) return;
        for (String p : ports.split(",", -1)) {
            if (!p.matches("[0-9]{1,5}"))
                throw new IllegalArgumentException(option + " " + ports + ": not a port or a list of ports (80,443)");
            Cidr.port(option, Integer.parseInt(p));
        }
    }

    public List<String> insert(String tag) {
        return argv("-I", tag);
    }

    public List<String> delete(String tag) {
        return argv("-D", tag);
    }

    /** Exits 0 only once no rule with this change's tag is left in the chain. */
    public List<String> absent(String tag) {
        return ChangePlan.noIptablesRuleTagged(chain, "faultline:" + tag);
    }

    /** @param tag the change's id: the comment that names its rule */
    public ChangePlan plan(String tag) {
        return new ChangePlan(List.of(insert(tag)), List.of(delete(tag)), List.of(absent(tag)));
    }

    /** Which packets it drops: the words between the chain and the tag, as iptables takes them. */
    public List<String> match() {
        List<String> a = new ArrayList<>();
        if (iface != null) a.addAll(List.of(chain.equals("OUTPUT") ? "-o" : "-i", iface));
        if (protocol != null) a.addAll(List.of("-p", protocol));
        if (source != null) a.addAll(List.of("-s", source));
        if (destination != null) a.addAll(List.of("-d", destination));
        boolean multiport = (sourcePorts != null && sourcePorts.contains(","))
                || (destinationPorts != null && destinationPorts.contains(","));
        if (multiport) a.addAll(List.of("-m", "multiport"));
        if (sourcePorts != null) a.addAll(List.of(multiport ? "--sports" : "--sport", sourcePorts));
        if (destinationPorts != null) a.addAll(List.of(multiport ? "--dports" : "--dport", destinationPorts));
        a.addAll(List.of("-m", "statistic"));
        if (probability != null) a.addAll(List.of("--mode", "random", "--probability", probability.toString()));
        else a.addAll(List.of("--mode", "nth", "--every", every.toString(), "--packet", Integer.toString(packet)));
        return a;
    }

    private List<String> argv(String op, String tag) {
        List<String> a = new ArrayList<>(List.of("iptables", "-w", "5", op, chain));
        a.addAll(match());
        a.addAll(List.of("-m", "comment", "--comment", "faultline:" + tag, "-j", "DROP"));
        return a;
    }
}
