package dev.faultline.sidecar.jvm;

/**
 * What {@code /proc/PID/status} says about a process: its PID in its own namespace (last {@code NSpid} field), its
 * effective uid and gid, and the signals it catches.
 */
record ProcStatus(long nsPid, int uid, int gid, long sigCgt) {
    private static final int SIGQUIT = 3;

    static ProcStatus parse(String status) {
        long nsPid = -1;
        int uid = -1;
        int gid = -1;
        long sigCgt = -1;
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String[] w = line.substring(colon + 1).trim().split("\\s+");
            switch (line.substring(0, colon)) {
                case "NSpid" -> nsPid = Long.parseLong(w[w.length - 1]);
                case "Uid" -> uid = Integer.parseInt(w[1]); // real, effective, saved, fs
                case "Gid" -> gid = Integer.parseInt(w[1]);
                case "SigCgt" -> sigCgt = Long.parseUnsignedLong(w[0], 16);
                default -> {}
            }
        }
        if (nsPid < 0 || uid < 0 || gid < 0 || sigCgt < 0) {
            throw new IllegalArgumentException("not a /proc/PID/status text (NSpid, Uid, Gid or SigCgt missing)");
        }
        return new ProcStatus(nsPid, uid, gid, sigCgt);
    }

    /** HotSpot installs its SIGQUIT handler once it can answer one; before that (or with -Xrs) SIGQUIT kills it. */
    boolean catchesSigquit() {
        return (sigCgt & (1L << (SIGQUIT - 1))) != 0;
    }
}
