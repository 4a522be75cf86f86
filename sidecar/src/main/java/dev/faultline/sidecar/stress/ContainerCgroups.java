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

    ContainerCgroups(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
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
            dirs.add(hierarchy.resolve(rel.substring(1)));
        }
        if (dirs.isEmpty())
            throw new IllegalStateException(
                    "the container's process is in no cgroup of its own (every hierarchy says /):\n" + procCgroup);
        return new ContainerCgroups(dirs);
    }

    /** The {@code cgroup.procs} file of each: a PID written there moves that process into the container's cgroup. */
    public List<Path> procsFiles() {
        return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    @Override
    public String toString() {
        // every hierarchy names the same path: one, and how many
        return "cgroup " + dirs.get(0) + (dirs.size() > 1 ? " (+" + (dirs.size() - 1) + " hierarchies)" : "");
    }
}
