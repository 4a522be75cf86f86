package dev.faultline.sidecar.network;

import java.util.ArrayList;
import java.util.List;

/**
 * One iptables DROP rule with {@code -m statistic} (random probability or every Nth packet), tagged with a
 * comment naming the experiment, so the revert deletes exactly that rule and nothing the target had.
 */
public record IptablesRule(String chain, String protocol, String source, String destination, Integer sourcePort,
                           Integer destinationPort, Double probability, Integer every, String tag) {

    public IptablesRule {
        if (probability == null && every == null) throw new IllegalArgumentException("iptables loss needs --probability or --every");
        if (probability != null && every != null) throw new IllegalArgumentException("give --probability or --every, not both");
        if (probability != null && (probability <= 0 || probability > 1)) throw new IllegalArgumentException("--probability " + probability + ": expected above 0 and at most 1");
        if (every != null && every < 1) throw new IllegalArgumentException("--every " + every + ": expected 1 or more");
        if ((sourcePort != null || destinationPort != null) && protocol == null) {
            throw new IllegalArgumentException("--sport/--dport need --protocol tcp or udp");
        }
        if (protocol != null && !List.of("tcp", "udp", "icmp", "all").contains(protocol)) throw new IllegalArgumentException("--protocol " + protocol + ": expected tcp, udp, icmp or all");
        if (source != null) Cidr.check("--source", source);
        if (destination != null) Cidr.check("--destination", destination);
        Cidr.port("--src-port", sourcePort);
        Cidr.port("--dst-port", destinationPort);
    }

    public List<String> insert() {
        return argv("-I");
    }

    public List<String> delete() {
        return argv("-D");
    }

    /** Exits 0 only once no rule with this change's tag is left in the chain. */
    public List<String> absent() {
        return ChangePlan.noIptablesRuleTagged(chain, "faultline:" + tag);
    }

    public ChangePlan plan() {
        return new ChangePlan(List.of(insert()), List.of(delete()), List.of(absent()));
    }

    private List<String> argv(String op) {
        List<String> a = new ArrayList<>(List.of("iptables", "-w", "5", op, chain));
        if (protocol != null) a.addAll(List.of("-p", protocol));
        if (source != null) a.addAll(List.of("-s", source));
        if (destination != null) a.addAll(List.of("-d", destination));
        if (sourcePort != null) a.addAll(List.of("--sport", sourcePort.toString()));
        if (destinationPort != null) a.addAll(List.of("--dport", destinationPort.toString()));
        a.addAll(List.of("-m", "statistic"));
        if (probability != null) a.addAll(List.of("--mode", "random", "--probability", probability.toString()));
        else a.addAll(List.of("--mode", "nth", "--every", every.toString(), "--packet", "0"));
        a.addAll(List.of("-m", "comment", "--comment", "faultline:" + tag, "-j", "DROP"));
        return a;
    }
}
