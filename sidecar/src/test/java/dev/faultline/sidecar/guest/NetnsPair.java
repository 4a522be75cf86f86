package dev.faultline.sidecar.guest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, each end named eth0 as in a container: "app" (10.99.0.1,
 * fd99::1) is where faults are applied, "peer" answers on two IPv4 and two IPv6 addresses, so a targeted fault
 * can be seen to spare the other one. Closing deletes both namespaces (the veth pair and every qdisc in them
 * go with them) and ends the stand-in process.
 */
final class NetnsPair implements AutoCloseable {
    static final String PEER4 = "10.99.0.2";
    static final String OTHER4 = "10.99.0.3";
    static final String PEER6 = "fd99::2";
    static final String OTHER6 = "fd99::3";

    final String app;
    final String peer;
    private Process standInProcess;
    private String standInMark;

    NetnsPair() {
        String id = Long.toString(System.nanoTime() % 1_000_000, 36);
        app = "fl-app-" + id;
        peer = "fl-peer-" + id;
        Sh.ok("ip", "netns", "add", app);
        Sh.ok("ip", "netns", "add", peer);
        Sh.ok("ip", "link", "add", "eth0", "netns", app, "type", "veth", "peer", "name", "eth0", "netns", peer);
        Sh.ok("ip", "-n", app, "addr", "add", "10.99.0.1/24", "dev", "eth0");
        Sh.ok("ip", "-n", peer, "addr", "add", PEER4 + "/24", "dev", "eth0");
        Sh.ok("ip", "-n", peer, "addr", "add", OTHER4 + "/24", "dev", "eth0");
        // nodad: a tentative address would not answer for the first second or two
        Sh.ok("ip", "-n", app, "-6", "addr", "add", "fd99::1/64", "dev", "eth0", "nodad");
        Sh.ok("ip", "-n", peer, "-6", "addr", "add", PEER6 + "/64", "dev", "eth0", "nodad");
        Sh.ok("ip", "-n", peer, "-6", "addr", "add", OTHER6 + "/64", "dev", "eth0", "nodad");
        for (String ns : List.of(app, peer)) {
            Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
            Sh.ok("ip", "-n", ns, "link", "set", "eth0", "up");
        }
        // the first packets pay for neighbour discovery; let that happen before anything is measured
        Sh.ok("ip", "netns", "exec", app, "busybox", "ping", "-c", "2", "-i", "0.2", "-W", "5", PEER4);
        Sh.ok("ip", "netns", "exec", app, "busybox", "ping", "-6", "-c", "2", "-i", "0.2", "-W", "5", PEER6);
    }

    /** argv run inside the app namespace. */
    List<String> inApp(String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", app));
        cmd.addAll(List.of(argv));
        return cmd;
    }

    String app(String... argv) {
        return Sh.ok(inApp(argv).toArray(String[]::new));
    }

    List<String> inPeer(String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", peer));
        cmd.addAll(List.of(argv));
        return cmd;
    }

    String peer(String... argv) {
        return Sh.ok(inPeer(argv).toArray(String[]::new));
    }

    /** What a revert must give back byte for byte: every qdisc and every link (an IFB device included) in app. */
    String state() {
        return app("tc", "qdisc", "show") + app("ip", "-o", "link", "show");
    }

    String qdiscs() {
        return app("tc", "qdisc", "show");
    }

    String stats() {
        return app("tc", "-s", "qdisc", "show");
    }

    /**
     * A process living in the app namespace, as a container's main process would: the sidecar reaches the
     * namespace by {@code nsenter -t <its pid> -n}, the path node mode takes. Returns the {@code re2:} target
     * that selects exactly this process.
     */
    String standIn() {
        if (standInProcess == null) {
            standInMark = "3600." + Long.toString(System.nanoTime() % 1_000_000);
            try {
                standInProcess = new ProcessBuilder(inApp("sleep", standInMark)).start();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return "re2:^sleep " + standInMark.replace(".", "\\.") + "$";
    }

    @Override
    public void close() throws Exception {
        if (standInProcess != null) {
            standInProcess.destroyForcibly();
            standInProcess.waitFor(30, TimeUnit.SECONDS);
        }
        Sh.run(Sh.DEFAULT, List.of("ip", "netns", "del", app));
        Sh.run(Sh.DEFAULT, List.of("ip", "netns", "del", peer));
    }
}
