package dev.faultline.sidecar.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway network namespace joined to the host by a veth pair ({@code 10.231.N.1} here, {@code .2} inside),
 * for a sidecar that must not be able to touch anything real: started in it with a PID namespace of its own
 * and no engine socket, whatever it is told to do can only reach the sandbox. Needs root.
 */
final class Sandbox implements AutoCloseable {
    final String netns;
    final String hostAddress;
    final String innerAddress;
    private final String hostLink;

    Sandbox() throws Exception {
        String id = Integer.toHexString(new Random().nextInt(0x10000));
        int subnet = new Random().nextInt(250) + 1;
        netns = "flfz-" + id;
        hostLink = "flfz" + id + "h";
        hostAddress = "10.231." + subnet + ".1";
        innerAddress = "10.231." + subnet + ".2";
        try {
            ip("netns", "add", netns);
            ip("link", "add", hostLink, "type", "veth", "peer", "name", "flfz" + id + "n");
            ip("link", "set", "flfz" + id + "n", "netns", netns);
            ip("addr", "add", hostAddress + "/30", "dev", hostLink);
            ip("link", "set", hostLink, "up");
            ip("-n", netns, "addr", "add", innerAddress + "/30", "dev", "flfz" + id + "n");
            ip("-n", netns, "link", "set", "flfz" + id + "n", "up");
            ip("-n", netns, "link", "set", "lo", "up");
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * {@code argv} inside the sandbox's network namespace, as PID 1 of a new PID namespace; it is killed when the
     * unshare that forked it ends ({@code --kill-child}), so stopping the returned process stops it.
     */
    List<String> inside(List<String> argv) {
        List<String> cmd = new ArrayList<>(
                List.of("ip", "netns", "exec", netns, "unshare", "--pid", "--fork", "--kill-child", "--mount-proc"));
        cmd.addAll(argv);
        return cmd;
    }

    static String ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IOException(String.join(" ", cmd) + ": " + out);
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            ip("netns", "del", netns); // takes the inner end of the veth pair, and with it the host end
        } catch (IOException ignored) {
            // never made
        }
        try {
            ip("link", "del", hostLink);
        } catch (IOException ignored) {
            // gone with the namespace
        }
    }
}
