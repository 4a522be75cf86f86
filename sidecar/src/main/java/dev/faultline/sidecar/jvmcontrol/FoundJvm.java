package dev.faultline.sidecar.jvmcontrol;

/**
 * A JVM in a target container, as the sidecar found it (jvm/JvmFinder's answer, reduced to what the verbs need).
 *
 * @param container   how the logs name its container, {@code name(shortId)}
 * @param containerId the container's id, as the journal records it
 * @param startTicks  the process's start time ({@code /proc/PID/stat} field 22): a host pid reused later is not it
 * @param refusal     why it cannot be attached, in one line; null when it can
 */
public record FoundJvm(
        String container,
        String containerId,
        long hostPid,
        long nsPid,
        int uid,
        int gid,
        long startTicks,
        String javaVersion,
        boolean faultlineLoaded,
        String refusal) {
    public boolean attachable() {
        return refusal == null;
    }

    /** {@code jvm list}'s line: container, host pid, ns pid, uid, Java version, Faultline loaded, attachable or why not. */
    public String line() {
        return container + "  host_pid=" + hostPid + "  ns_pid=" + nsPid + "  uid=" + uid + "  java="
                + (javaVersion == null ? "unknown" : javaVersion) + "  faultline=" + (faultlineLoaded ? "loaded" : "no")
                + "  " + (attachable() ? "attachable" : "refused: " + refusal);
    }

    /** The same as one JSON object. */
    public String json() {
        return "{\"container\":" + quote(container) + ",\"container_id\":" + quote(containerId) + ",\"host_pid\":"
                + hostPid + ",\"ns_pid\":" + nsPid + ",\"uid\":" + uid + ",\"gid\":" + gid + ",\"java_version\":"
                + (javaVersion == null ? "null" : quote(javaVersion)) + ",\"faultline_loaded\":" + faultlineLoaded
                + ",\"attachable\":" + attachable() + ",\"refusal\":" + (refusal == null ? "null" : quote(refusal))
                + "}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
