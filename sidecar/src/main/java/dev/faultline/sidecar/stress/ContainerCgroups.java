package dev.faultline.sidecar.stress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cgroups a container's main process is in, one per hierarchy: where stress-ng is placed so that its load counts
 * against the container's limits and accounting. Read from {@code /proc/<hostpid>/cgroup}, which the kernel writes
 * (never a path inside the container's filesystem); a root cgroup or one outside our cgroup namespace is refused.
 */
public final class ContainerCgroups {
    private final List<Path> dirs;
    private final Path cpuUsage;

    ContainerCgroups(List<Path> dirs, Path cpuUsage) {
        this.dirs = List.copyOf(dirs);
        this.cpuUsage = cpuUsage;
    }

    /** The cgroups of host process {@code pid}, under {@code /sys/fs/cgroup}. */
    public static ContainerCgroups of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid), "cgroup");
        try {
            return locate(Files.readString(proc), Path.of("/sys/fs/cgroup"));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read " + proc
                            + " (is the container gone, or its PID not visible? the sidecar needs hostPID)",
                    e);
        }
    }

    /**
     * From the text of {@code /proc/<pid>/cgroup}: each v1 hierarchy's directory (named by its controllers, as
     * mounted: {@code cpu,cpuacct}, {@code name=systemd} as {@code systemd}) and the v2 one (the root on a pure v2
     * host, {@code unified/} on a hybrid one). Hierarchies where the process sits in the root are left out; none left
     * is an error: stress-ng would then load the node, not the container.
     */
    static ContainerCgroups locate(String procCgroup, Path root) {
        List<Path> dirs = new ArrayList<>();
        Path cpuUsage = null;
        boolean pureV2 = Files.exists(root.resolve("cgroup.controllers"));
        for (String line : procCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            String rel = f[2].strip();
            if (rel.contains(".."))
                throw new IllegalStateException("cgroup '" + rel + "' is outside our cgroup namespace"
                        + " (run the sidecar in the host's cgroup namespace)");
            if (rel.equals("/") || rel.isEmpty()) continue;
            Path hierarchy;
            if (f[0].equals("0") && f[1].isEmpty()) hierarchy = pureV2 ? root : root.resolve("unified");
            else hierarchy = root.resolve(f[1].startsWith("name=") ? f[1].substring(5) : f[1]);
            if (!Files.isDirectory(hierarchy)) continue; // a hierarchy mounted elsewhere, or not at all
            Path dir = hierarchy.resolve(rel.substring(1));
            dirs.add(dir);
            if (f[1].isEmpty()) {
                if (cpuUsage == null) cpuUsage = dir.resolve("cpu.stat");
            } else if (List.of(f[1].split(",")).contains("cpuacct")) cpuUsage = dir.resolve("cpuacct.usage");
        }
        if (dirs.isEmpty())
            throw new IllegalStateException(
                    "the container's process is in no cgroup of its own (every hierarchy says /):\n" + procCgroup);
        return new ContainerCgroups(dirs, cpuUsage);
    }

    /** The {@code cgroup.procs} file of each: a PID written there moves that process into the container's cgroup. */
    public List<Path> procsFiles() {
        return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /**
     * The CPU time the cgroup has used, in microseconds: v1 {@code cpuacct.usage} (nanoseconds), else v2
     * {@code cpu.stat}'s {@code usage_usec}.
     */
    public long cpuUsageMicros() {
        if (cpuUsage == null) throw new IllegalStateException("no cpuacct or v2 cgroup among " + dirs);
        try {
            String text = Files.readString(cpuUsage);
            if (cpuUsage.getFileName().toString().equals("cpuacct.usage")) return Long.parseLong(text.strip()) / 1000;
            for (String l : text.split("\n"))
                if (l.startsWith("usage_usec "))
                    return Long.parseLong(l.substring(11).strip());
            throw new IllegalStateException(cpuUsage + " has no usage_usec");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cpuUsage, e);
        }
    }

    @Override
    public String toString() {
        return "cgroups " + dirs;
    }
}
