package dev.faultline.sidecar.jvm;

/**
 * A JVM found in a container's PID namespace.
 *
 * @param hostPid its PID as the sidecar (host PID namespace) sees it
 * @param nsPid its PID inside its own PID namespace (HotSpot names its attach files after this one)
 * @param uid its effective uid
 * @param gid its effective gid
 * @param cmdline its command line, for display only: values of options named like secrets masked, cut after 300
 *     characters (the preflight reads /proc itself)
 * @param javaVersion {@code java.version} read over the attach socket; null until read
 * @param faultlineLoaded whether Faultline's agent is loaded ({@code dev.faultline.agent.started}); null until read
 * @param attachable whether the preflight found nothing that rules an attach out
 * @param refusal why not, and what would fix it; null if attachable
 * @param startTime its start time ({@code /proc/PID/stat} field 22) when it was described: with the PID, who it is;
 *     every later step refuses a PID that now belongs to a process started at another time (a reused PID)
 */
public record JvmProcess(
        long hostPid,
        long nsPid,
        int uid,
        int gid,
        String cmdline,
        String javaVersion,
        Boolean faultlineLoaded,
        boolean attachable,
        String refusal,
        long startTime) {

    /** The same process with what the attach socket's {@code properties} said. */
    public JvmProcess withProperties(String version, boolean loaded) {
        return new JvmProcess(hostPid, nsPid, uid, gid, cmdline, version, loaded, attachable, refusal, startTime);
    }

    /** The same process, refused for {@code why}. */
    public JvmProcess refused(String why) {
        return new JvmProcess(hostPid, nsPid, uid, gid, cmdline, javaVersion, faultlineLoaded, false, why, startTime);
    }
}
