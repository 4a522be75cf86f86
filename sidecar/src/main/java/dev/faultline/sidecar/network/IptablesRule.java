package dev.faultline.sidecar.network;

import java.util.ArrayList;
import java.util.List;

/**
 * One iptables DROP rule with {@code -m statistic} (random probability or every Nth packet). Each change adds it
 * tagged with a comment naming the change, so the revert deletes exactly that rule and nothing the target had.
 */
public record IptablesRule(
        String chain,
        String protocol,
        String source,
        String destination,
        Integer sourcePort,
        Integer destinationPort,
        Double probability,
        Integer every) {

    public IptablesRule {
        if (probability == null && every == null)
            throw new IllegalArgumentException("iptables loss needs --probability or --every");
        if (probability != null && every != null)
            throw new IllegalArgumentException("give --probability or --every, not both");
        if (probability != null && (probability <= 0 || probability > 1))
            throw new IllegalArgumentException("--probability " + probability + ": expected above 0 and at most 1");
        if (every != null && every < 1) throw new IllegalArgumentException("--every " + every + ": expected 1 or more");
        if ((sourcePort != null || destinationPort != null) && protocol == null) {
            throw new IllegalArgumentException("--sport/--dport need --protocol tcp or udp");
        }
        if (protocol != null && !List.of("tcp", "udp", "icmp", "all").contains(protocol))
            throw new IllegalArgumentException("--protocol " + protocol + ": expected tcp, udp, icmp or all");
        if (source != null) Cidr.check("--source", source);
        if (destination != null) Cidr.check("--destination", destination);
        Cidr.port("--src-port", sourcePort);
        Cidr.port("--dst-port", destinationPort);
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
        if (protocol != null) a.addAll(List.of("-p", protocol));
        if (source != null) a.addAll(List.of("-s", source));
        if (destination != null) a.addAll(List.of("-d", destination));
        if (sourcePort != null) a.addAll(List.of("--sport", sourcePort.toString()));
        if (destinationPort != null) a.addAll(List.of("--dport", destinationPort.toString()));
        a.addAll(List.of("-m", "statistic"));
        if (probability != null) a.addAll(List.of("--mode", "random", "--probability", probability.toString()));
        else a.addAll(List.of("--mode", "nth", "--every", every.toString(), "--packet", "0"));
        return a;
    }

    private List<String> argv(String op, String tag) {
        List<String> a = new ArrayList<>(List.of("iptables", "-w", "5", op, chain));
        a.addAll(match());
        a.addAll(List.of("-m", "comment", "--comment", "faultline:" + tag, "-j", "DROP"));
        return a;
    }
}
