package dev.faultline.sidecar.network;

import java.util.List;

/**
 * The commands of one network change, run in the target's network namespace: {@code apply} makes it, {@code revert}
 * undoes it (each command may fail harmlessly when its piece is already gone), and {@code verify} proves it gone:
 * each exits 0 only when the target no longer holds any piece of it, else prints what is left.
 */
public record ChangePlan(List<List<String>> apply, List<List<String>> revert, List<List<String>> verify) {
    public ChangePlan {
        apply = List.copyOf(apply);
        revert = List.copyOf(revert);
        verify = List.copyOf(verify);
    }

    /**
     * Constant scripts, the device and the pattern as arguments: nothing an operator typed is parsed by the shell.
     * {@code glob} is a shell pattern found anywhere in what {@code tc qdisc show} prints. One tc and no grep: a
     * revert's check runs this on every attempt.
     */
    static List<String> noQdiscMatching(String dev, String glob) {
        return List.of(
                "sh",
                "-c",
                "out=$(tc qdisc show dev \"$1\" 2>&1) || { case $out in *'Cannot find device'*) exit 0;; esac; printf '%s\\n' \"$out\"; exit 2; }; "
                        + "case $out in *$2*) echo \"$1 still has: $out\"; exit 1;; esac",
                "verify",
                dev,
                glob);
    }

    /** {@code ip} prints no {@code qlen} for a length of 0; sysfs would show the host's devices, not the namespace's. */
    static List<String> txQueueLen(String dev, int len) {
        return List.of(
                "sh",
                "-c",
                "out=$(ip -o link show dev \"$1\" 2>/dev/null) || exit 0; q=0; case $out in *' qlen '*) q=${out#* qlen }; q=${q%%[!0-9]*};; esac; "
                        + "[ \"$q\" = \"$2\" ] || { echo \"$1 has a transmit queue length of $q, not its $2\"; exit 1; }",
                "verify",
                dev,
                Integer.toString(len));
    }

    static List<String> noLink(String dev) {
        return List.of(
                "sh",
                "-c",
                "! ip link show dev \"$1\" >/dev/null 2>&1 || { echo \"device $1 is still there\"; exit 1; }",
                "verify",
                dev);
    }

    static List<String> noIptablesRuleTagged(String chain, String tag) {
        return List.of(
                "sh",
                "-c",
                "out=$(iptables -w 5 -S \"$1\") || exit 2; "
                        + "! printf '%s\\n' \"$out\" | grep -qwF -- \"$2\" || { echo \"chain $1 still has the rule tagged $2\"; exit 1; }",
                "verify",
                chain,
                tag);
    }
}
