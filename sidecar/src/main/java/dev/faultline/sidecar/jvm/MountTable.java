package dev.faultline.sidecar.jvm;

/** Reads a process's {@code /proc/PID/mountinfo}: whether a path in its mount namespace is on a read-only mount. */
final class MountTable {
    private MountTable() {}

    /**
     * Whether {@code path} (absolute, in the process's namespace) lies on a mount that is read-only, per mount or per
     * file system; the mount is the last one listed whose mount point is the path or one of its parents (later
     * mounts cover earlier ones). Mount points with spaces are octal-escaped ({@code \040}) in the text.
     */
    static boolean readOnly(String mountinfo, String path) {
        boolean ro = false;
        int best = -1;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 10) continue;
            String point = unescape(f[4]);
            if (!covers(point, path) || point.length() < best) continue;
            int dash = line.indexOf(" - ");
            String[] superOptions =
                    dash < 0 ? new String[0] : line.substring(dash + 3).split(" ");
            boolean superRo = superOptions.length >= 3 && (superOptions[2] + ",").startsWith("ro,");
            best = point.length();
            ro = (f[5] + ",").startsWith("ro,") || superRo;
        }
        return ro;
    }

    private static boolean covers(String point, String path) {
        return point.equals("/") || path.equals(point) || path.startsWith(point + "/");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
