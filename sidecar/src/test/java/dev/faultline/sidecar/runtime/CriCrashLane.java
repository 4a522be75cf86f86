package dev.faultline.sidecar.runtime;

import dev.faultline.sidecar.experiment.CrashMatrix;
import dev.faultline.sidecar.experiment.TargetWitness;
import dev.faultline.sidecar.runtime.cri.CgroupFreezer;
import dev.faultline.sidecar.runtime.cri.CriRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * The crash matrix on containerd through CRI: targets are pods made as kubelet makes them, named
 * {@code namespace/pod/container}; the runtime's view is CRI ContainerStatus, the host pid and its cgroup freezer.
 */
public final class CriCrashLane implements CrashMatrix.Lane, AutoCloseable {
    private final CriNode node;
    private final CriRuntime cri;
    private final Map<String, String> containerIds = new HashMap<>();

    private CriCrashLane(CriNode node) {
        this.node = node;
        this.cri = CriRuntime.connect(CriNode.ENDPOINT, Duration.ofSeconds(5));
    }

    /** The lane, or null (the reason printed) without root or the private containerd; under CI that is a failure. */
    public static CriCrashLane openOrSkip() {
        try {
            return new CriCrashLane(CriNode.require());
        } catch (TestAbortedException e) {
            return null;
        }
    }

    @Override
    public String name() {
        return "cri";
    }

    @Override
    public List<String> runtimeOptions() {
        return List.of("--runtime-endpoint", CriNode.ENDPOINT);
    }

    @Override
    public CrashMatrix.Target start(String kind) {
        String pod = node.run + "-" + kind.replaceAll("[^a-z]+", "-").replaceAll("-$", "");
        String id = node.startContainer(node.runPod("crash", pod, Map.of()), "app", "sleep", "3600");
        String selector = "crash/" + pod + "/app";
        containerIds.put(selector, id);
        return new CrashMatrix.Target(selector, id.substring(0, 12));
    }

    private long pid(CrashMatrix.Target t) {
        return cri.process(containerIds.get(t.selector())).pid();
    }

    private String inNetns(long pid, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n", "--"));
        cmd.addAll(List.of(argv));
        return CriNode.exec(cmd);
    }

    @Override
    public String witness(CrashMatrix.Target t) {
        long pid = pid(t);
        return String.join(
                "\n",
                "tc: " + inNetns(pid, "tc", "qdisc", "show"),
                "iptables: " + TargetWitness.iptables(inNetns(pid, "iptables-save")),
                "links: " + inNetns(pid, "ip", "-o", "link", "show"),
                "runtime: " + node.status(containerIds.get(t.selector())).getState() + " pid=" + pid + " frozen="
                        + CgroupFreezer.of(pid).frozen());
    }

    @Override
    public void restore(CrashMatrix.Target t) {
        long pid = pid(t);
        CrashMatrix.stopWatchdogs(t.shortId());
        inNetns(pid, "tc", "qdisc", "del", "dev", "eth0", "root");
        inNetns(pid, "tc", "qdisc", "del", "dev", "eth0", "ingress");
        inNetns(pid, "ip", "link", "del", "flifb0");
        inNetns(pid, "iptables", "-F");
        inNetns(pid, "ip", "link", "set", "dev", "eth0", "txqueuelen", "0"); // a veth's
        CgroupFreezer.of(pid).thaw(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        cri.close();
        node.close();
    }
}
