package dev.faultline.sidecar.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;

/**
 * Finds the JVMs in a container: every process in the PID namespace of the container's process that maps
 * {@code libjvm.so} (hsperfdata is no guide: a uid without a passwd entry gets none), described from {@code /proc}
 * and checked by a preflight that signals and writes nothing. The Java version and whether Faultline is loaded come
 * from the attach socket's {@code properties} when HotSpot's listener is already up; starting it would leave its socket
 * in the container, so listing never does ({@link JvmAttacher} reads them before it loads anything).
 */
public final class JvmFinder {
    static final int MIN_FEATURE = 17;
    private static final Duration PROPERTIES_TIMEOUT = Duration.ofSeconds(2);
    private static final Path PROC = Path.of("/proc");

    /** The JVMs in the PID namespace of {@code containerHostPid}, by host PID. */
    public List<JvmProcess> find(long containerHostPid) throws IOException {
        String ns = pidNamespace(containerHostPid);
        if (ns == null) {
            throw new IOException("no process " + containerHostPid
                    + " visible (is the sidecar in the host PID namespace, with CAP_SYS_PTRACE?)");
        }
        List<JvmProcess> out = new ArrayList<>();
        try (DirectoryStream<Path> procs =
                Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (!ns.equals(pidNamespace(pid)) || !mapsLibjvm(pid)) continue;
                try {
                    out.add(inspect(pid));
                } catch (IOException | IllegalArgumentException gone) {
                    // it exited while we looked
                }
            }
        }
        out.sort(Comparator.comparingLong(JvmProcess::hostPid));
        return out;
    }

    /** One process, described and preflighted now (nothing is signalled, nothing written). */
    public JvmProcess inspect(long hostPid) throws IOException {
        Path proc = PROC.resolve(Long.toString(hostPid));
        long started = startTime(hostPid);
        ProcStatus status = ProcStatus.parse(Files.readString(proc.resolve("status")));
        List<String> cmdline = nulSeparated(proc.resolve("cmdline"));
        List<String> environ = nulSeparated(proc.resolve("environ"));
        String maps = Files.readString(proc.resolve("maps"), StandardCharsets.ISO_8859_1);
        JvmProcess p = new JvmProcess(
                hostPid,
                status.nsPid(),
                status.uid(),
                status.gid(),
                LaunchOptions.forDisplay(cmdline),
                null,
                null,
                true,
                null,
                started);
        String refusal = refusal(p, status, cmdline, environ, maps, mountinfo(proc));
        // all of it read from one process: a PID reused meanwhile would mix two
        if (startTime(hostPid) != started) throw new IOException("process " + hostPid + " exited while it was read");
        if (refusal != null) return p.refused(refusal);
        try {
            HotSpotAttach attach = new HotSpotAttach(p);
            if (attach.listening()) return withProperties(p, attach.properties(PROPERTIES_TIMEOUT));
        } catch (AttachRefusedException e) {
            return p.refused(e.getMessage());
        }
        return p;
    }

    /** The version and Faultline's state from a JVM's properties; refused below Java 17. */
    static JvmProcess withProperties(JvmProcess p, Properties props) {
        String version = props.getProperty("java.version");
        JvmProcess described = p.withProperties(version, props.getProperty("dev.faultline.agent.started") != null);
        int feature = feature(version);
        if (feature < MIN_FEATURE) {
            return described.refused("Java " + version + ": Faultline's agent needs Java " + MIN_FEATURE
                    + "+; restart the service on a newer JDK");
        }
        return described;
    }

    /** The feature release of a {@code java.version} ("1.8.0_392" is 8, "17.0.19" is 17); -1 if unreadable. */
    static int feature(String version) {
        if (version == null) return -1;
        String[] parts = version.split("[._+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The preflight: why this JVM cannot be attached, with what would fix it; null if nothing rules it out. */
    private static String refusal(
            JvmProcess p,
            ProcStatus status,
            List<String> cmdline,
            List<String> environ,
            String maps,
            String mountinfo) {
        if (!maps.contains("/libjvm.so")) {
            return "not a JVM (no libjvm.so mapped): nothing to attach to, and it is never signalled";
        }
        if (maps.contains("/libj9vm")) {
            return "not a HotSpot JVM (OpenJ9): its attach protocol is not supported; use -javaagent";
        }
        String disabledBy = LaunchOptions.attachDisabledBy(cmdline, environ);
        if (disabledBy != null) {
            return "attach is disabled: -XX:+DisableAttachMechanism in its " + disabledBy
                    + "; restart it without that flag (or with -javaagent:faultline-agent.jar)";
        }
        try (TargetTmp tmp = TargetTmp.open(p.hostPid())) {
            HotSpotAttach attach = new HotSpotAttach(p);
            if (attach.listening()) return null;
            if (!status.catchesSigquit()) {
                return "the JVM does not catch SIGQUIT (still starting, or -Xrs) and has no attach listener up:"
                        + " a SIGQUIT would kill it; retry once it has started";
            }
            if (MountTable.readOnly(mountinfo, "/tmp")) {
                return "the container's /tmp is read-only, and HotSpot creates its attach socket there:"
                        + " give the container a writable /tmp (--tmpfs /tmp, an emptyDir volume)";
            }
            if (!tmp.writableBy(p.uid(), p.gid())) {
                return "the container's /tmp is not writable by the JVM's uid " + p.uid()
                        + ", and HotSpot creates its attach socket there: make /tmp writable (mode 1777)";
            }
            return null;
        } catch (AttachRefusedException e) {
            return e.getMessage();
        } catch (IOException e) {
            return "cannot check the container's /tmp: " + e;
        }
    }

    static boolean mapsLibjvm(long pid) {
        try {
            return Files.readString(PROC.resolve(pid + "/maps"), StandardCharsets.ISO_8859_1)
                    .contains("/libjvm.so");
        } catch (IOException e) {
            return false;
        }
    }

    /** Field 22 of {@code /proc/PID/stat}, the start time in clock ticks: a PID reused later has another. */
    static long startTime(long pid) throws IOException {
        String stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.ISO_8859_1);
        // the command name (field 2) may hold spaces and parentheses: count from the last ')'
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(after[22 - 3]);
    }

    private static String pidNamespace(long pid) {
        try {
            return Files.readSymbolicLink(PROC.resolve(pid + "/ns/pid")).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static String mountinfo(Path proc) {
        try {
            return Files.readString(proc.resolve("mountinfo"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> nulSeparated(Path file) throws IOException {
        String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\0"));
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
