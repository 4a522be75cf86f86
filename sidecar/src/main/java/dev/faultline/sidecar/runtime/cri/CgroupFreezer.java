package dev.faultline.sidecar.runtime.cri;

import dev.faultline.sidecar.network.NetnsCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Pause on CRI, which has none: the cgroup freezer of a container's cgroup. cgroup v1 writes {@code freezer.state}
 * and waits until it reads FROZEN (FREEZING in between); v2 writes {@code cgroup.freeze} and waits for
 * {@code frozen 1} in {@code cgroup.events}. The runtime does not notice either way (it still reports RUNNING), so
 * whoever freezes must thaw: the caller journals it.
 * <p>
 * The cgroup comes from {@code /proc/<pid>/cgroup}, not from the runtime's {@code cgroupsPath}: that works for the
 * cgroupfs and the systemd drivers alike.
 */
public final class CgroupFreezer {
    public enum Version {
        V1,
        V2
    }

    private final Path dir;
    private final Version version;

    CgroupFreezer(Path dir, Version version) {
        this.dir = dir;
        this.version = version;
    }

    /** The freezer of the cgroup that host process {@code pid} is in, under {@code /sys/fs/cgroup}. */
    public static CgroupFreezer of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid), "cgroup");
        try {
            String cgroup = Files.readString(proc);
            // a pod's own cgroup namespace shows other pods' cgroups as ../..: read them as the host's init sees them
            // (hostPID makes PID 1 the node's); the DaemonSet mounts the node's /sys/fs/cgroup where they then are
            if (cgroup.contains("/..")) cgroup = inHostCgroupNamespace(proc);
            return locate(cgroup, Path.of("/sys/fs/cgroup"));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read " + proc
                            + " (is the process gone, or not in our PID namespace? the sidecar needs hostPID)",
                    e);
        }
    }

    static String inHostCgroupNamespace(Path proc) throws IOException {
        NetnsCommand.Result r = NetnsCommand.run(0, List.of("nsenter", "-t", "1", "-C", "--", "cat", proc.toString()));
        if (!r.ok())
            throw new IOException(
                    "cannot read " + proc + " in the host's cgroup namespace (nsenter -t 1 -C: " + r.output() + ")");
        return r.output() + "\n";
    }

    /**
     * From the text of {@code /proc/<pid>/cgroup}: the v1 freezer hierarchy when there is one (hybrid hosts), else the
     * v2 unified one (at the root on a pure v2 host, under {@code unified/} on a hybrid one). Never a root cgroup:
     * freezing that would freeze the node.
     */
    static CgroupFreezer locate(String procCgroup, Path cgroupRoot) {
        String v2 = null;
        for (String line : procCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            if (List.of(f[1].split(",")).contains("freezer"))
                return new CgroupFreezer(under(cgroupRoot.resolve("freezer"), f[2]), Version.V1);
            if (f[0].equals("0") && f[1].isEmpty()) v2 = f[2];
        }
        if (v2 == null)
            throw new IllegalStateException(
                    "no freezer: neither a v1 freezer nor a v2 line in /proc/<pid>/cgroup:\n" + procCgroup);
        Path unified =
                Files.exists(cgroupRoot.resolve("cgroup.controllers")) ? cgroupRoot : cgroupRoot.resolve("unified");
        return new CgroupFreezer(under(unified, v2), Version.V2);
    }

    private static Path under(Path hierarchy, String cgroup) {
        String rel = cgroup.strip();
        // "/" is the root (or our cgroup namespace's root); ".." means a cgroup namespace hides the real path
        if (rel.equals("/") || rel.isEmpty() || rel.contains(".."))
            throw new IllegalStateException(
                    "refusing to freeze cgroup '" + rel + "' in " + hierarchy
                            + ": a root cgroup, or one outside our cgroup namespace (run the sidecar with the host's cgroup namespace)");
        return hierarchy.resolve(rel.substring(1));
    }

    public Path dir() {
        return dir;
    }

    public Version version() {
        return version;
    }

    /** Freezes every process in the cgroup; returns once the kernel says they are, or throws after {@code within}. */
    public void freeze(Duration within) {
        write(version == Version.V1 ? "freezer.state" : "cgroup.freeze", version == Version.V1 ? "FROZEN" : "1");
        await(true, within);
    }

    /** Thaws the cgroup; returns once the kernel says it is thawed, or throws after {@code within}. */
    public void thaw(Duration within) {
        write(version == Version.V1 ? "freezer.state" : "cgroup.freeze", version == Version.V1 ? "THAWED" : "0");
        await(false, within);
    }

    /**
     * The thaw as a journalled command for a process outside the JVM (the watchdog's shell, a later start): a constant
     * script, the file and the value its arguments. A cgroup gone (its container removed) is thawed already.
     */
    public List<String> thawArgv() {
        return List.of(
                "sh",
                "-c",
                "[ ! -e \"$1\" ] || echo \"$2\" > \"$1\"",
                "faultline-thaw",
                dir.resolve(version == Version.V1 ? "freezer.state" : "cgroup.freeze")
                        .toString(),
                version == Version.V1 ? "THAWED" : "0");
    }

    /** Succeeds only once the cgroup is thawed (or gone): v1 not FROZEN nor FREEZING, v2 {@code cgroup.freeze} not 1. */
    public List<String> thawedArgv() {
        return List.of(
                "sh",
                "-c",
                "[ ! -e \"$1\" ] || ! grep -Eqx \"$2\" \"$1\" || { echo \"$1 still says $(cat \"$1\")\"; exit 1; }",
                "faultline-thawed",
                dir.resolve(version == Version.V1 ? "freezer.state" : "cgroup.freeze")
                        .toString(),
                version == Version.V1 ? "FROZEN|FREEZING" : "1");
    }

    /** What the kernel says now (v1: FROZEN; v2: {@code frozen 1}). FREEZING is not frozen yet. */
    public boolean frozen() {
        if (version == Version.V1) return read("freezer.state").strip().equals("FROZEN");
        return read("cgroup.events").lines().anyMatch(l -> l.strip().equals("frozen 1"));
    }

    private void await(boolean frozen, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (frozen() != frozen) {
            if (System.nanoTime() > end)
                throw new IllegalStateException((frozen ? "freezing " : "thawing ") + dir
                        + " did not take effect within " + within.toMillis() + " ms ("
                        + (version == Version.V1
                                ? "freezer.state: " + read("freezer.state").strip()
                                : "cgroup.events: "
                                        + read("cgroup.events").strip().replace('\n', ' '))
                        + ")");
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + dir);
            }
        }
    }

    private void write(String file, String value) {
        Path p = dir.resolve(file);
        try {
            Files.writeString(p, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + value + " to " + p + " (" + e.getMessage() + ")", e);
        }
    }

    private String read(String file) {
        Path p = dir.resolve(file);
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString() {
        return "cgroup " + version.name().toLowerCase() + " freezer " + dir;
    }
}
