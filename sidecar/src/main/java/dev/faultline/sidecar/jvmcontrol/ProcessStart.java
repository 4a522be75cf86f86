package dev.faultline.sidecar.jvmcontrol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's start time in clock ticks ({@code /proc/PID/stat} field 22): with its pid, who it is, reuse aside. */
public final class ProcessStart {
    private ProcessStart() {}

    /** -1 when there is no such process. */
    public static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces or ')': count after the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[19]); // field 22, the 20th after the name
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** Whether {@code pid} is still the process that started at {@code ticks}. */
    public static boolean same(long pid, long ticks) {
        return ticks > 0 && ticks(pid) == ticks;
    }
}
