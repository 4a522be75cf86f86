package dev.faultline.sidecar.network;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this kernel can run netem at all, asked once: a netem qdisc added in a throwaway network namespace
 * ({@code unshare --net}, gone with the probe). Missing sch_netem is what users of every tool in this field hit
 * most (Docker Desktop, WSL2, RHEL without kernel-modules-extra, minikube, gVisor), so a netem verb is refused
 * up front, before anything is journalled or applied, with what to install and what still works.
 */
public final class NetemPreflight {
    private static final Logger log = LoggerFactory.getLogger("faultline.netem");
    /** What tc says when the kernel has no netem: the first from current iproute2, the second from older ones. */
    static final List<String> KERNEL_SAYS = List.of("Specified qdisc kind is unknown", "Specified qdisc not found");

    private static volatile Boolean available;
    /** Whether the probe ran and the kernel took a netem qdisc: more than {@link #available()}, which assumes so. */
    private static volatile boolean proven;

    private static volatile String kernelSaid = KERNEL_SAYS.get(0);

    private NetemPreflight() {}

    /** False only when the kernel said so; a probe that cannot run (no CAP_SYS_ADMIN) leaves it to the apply. */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            a = probe();
            available = a;
        }
        return a;
    }

    private static boolean probe() {
        NetnsCommand.Result r = NetnsCommand.run(
                0, List.of("unshare", "--net", "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"));
        if (r.ok()) {
            proven = true;
            return true;
        }
        String said = saysMissing(r.output());
        if (said != null) {
            kernelSaid = said;
            log.warn("netem=unavailable kernel_says=\"{}\": {}", said, refusal());
            return false;
        }
        log.info("netem=unknown (the probe could not run: {}); a netem verb will tell at its apply", r.output());
        return true;
    }

    /**
     * Whether this kernel is known to take a netem qdisc (the probe ran and succeeded): netem rate then shapes with
     * netem's own {@code rate}; where it is missing or unknown, with {@code tbf}, which needs no sch_netem.
     */
    public static boolean proven() {
        available();
        return proven;
    }

    /** The kernel message in tc's output that means "no netem here", or null. */
    static String saysMissing(String tcOutput) {
        return KERNEL_SAYS.stream().filter(tcOutput::contains).findFirst().orElse(null);
    }

    /** One line: what is missing, what to install, what still works. */
    public static String refusal() {
        return "no sch_netem in this kernel (tc: " + kernelSaid
                + "): delay/loss/duplicate/corrupt cannot run; install it "
                + "(RHEL/Fedora: kernel-modules-extra, Ubuntu: linux-modules-extra-$(uname -r)) or use netem rate, iptables loss, "
                + "or for a JVM the agent's latency on=read|write|connect; nothing was changed";
    }

    /** Refuses a netem verb on a kernel without netem, before it changes anything. */
    public static void require() {
        if (!available()) throw new IllegalStateException(refusal());
    }
}
