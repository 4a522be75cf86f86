package dev.faultline.sidecar.runtime.containerd;

import java.util.Map;

/** Signal names as the verbs give them, to the numbers containerd's Tasks.Kill takes (Linux, x86 and arm). */
final class Signals {
    private static final Map<String, Integer> LINUX = Map.ofEntries(
            Map.entry("SIGHUP", 1),
            Map.entry("SIGINT", 2),
            Map.entry("SIGQUIT", 3),
            Map.entry("SIGABRT", 6),
            Map.entry("SIGKILL", 9),
            Map.entry("SIGUSR1", 10),
            Map.entry("SIGUSR2", 12),
            Map.entry("SIGTERM", 15),
            Map.entry("SIGCONT", 18),
            Map.entry("SIGSTOP", 19));

    private Signals() {}

    static int number(String name) {
        Integer n = LINUX.get(name);
        if (n == null) throw new IllegalArgumentException("--signal " + name + ": not a signal containerd is sent");
        return n;
    }
}
