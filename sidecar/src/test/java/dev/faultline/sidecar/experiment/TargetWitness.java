package dev.faultline.sidecar.experiment;

import dev.faultline.sidecar.runtime.docker.DockerHost;
import java.util.ArrayList;
import java.util.List;

/** A container's network and state as seen from outside the sidecar: nsenter with the host's tools, and the engine. */
public final class TargetWitness {
    private TargetWitness() {}

    /** {@code tc qdisc show}, {@code iptables-save}, links and (with {@code engine}) the engine's view. */
    static String of(DockerHost docker, String name, boolean engine) {
        String net = String.join(
                "\n",
                "tc: " + docker.inNetns(name, "tc", "qdisc", "show"),
                "iptables: " + iptables(docker.inNetns(name, "iptables-save")),
                "links: " + docker.inNetns(name, "ip", "-o", "link", "show"));
        return engine
                ? net + "\nengine: "
                        + docker.inspect(name, "{{.State.Status}} paused={{.State.Paused}} pid={{.State.Pid}}")
                : net;
    }

    /**
     * {@code iptables-save} without its comments and packet counters, and without tables that hold nothing: the
     * first rule in a namespace makes iptables-nft create the filter table, which stays, empty with ACCEPT policies,
     * after the rule is gone (only {@code nft delete table} could remove it, and the sidecar's tools have no nft).
     */
    public static String iptables(String save) {
        List<String> kept = new ArrayList<>();
        List<String> table = new ArrayList<>();
        boolean holdsSomething = false;
        for (String line : save.lines().toList()) {
            if (line.startsWith("#")) continue;
            line = line.replaceAll("\\[\\d+:\\d+\\]", "[*]");
            table.add(line);
            if (line.startsWith("-A")
                    || (line.startsWith(":") && !line.contains(" ACCEPT ") && !line.endsWith(" - [*]")))
                holdsSomething = true;
            if (line.equals("COMMIT")) {
                if (holdsSomething) kept.addAll(table);
                table.clear();
                holdsSomething = false;
            }
        }
        kept.addAll(table);
        return String.join("\n", kept);
    }
}
