package dev.faultline.sidecar.network;

import java.util.ArrayList;
import java.util.List;

/**
 * Several commands in one process, so that a revert and its check cost one {@code nsenter} (or one helper container)
 * each instead of one per command. The script is a constant: every command travels as arguments, {@code n} words
 * after its count ({@code sh -c SCRIPT faultline-batch <k> <n> <word>… <n> <word>…}, the first {@code k} commands quiet), never parsed by the shell.
 */
public final class Batch {
    /**
     * The first {@code k} commands run quietly, whatever their outcome (a revert's pieces may be gone already); the
     * rest are checks, run in order up to the first that fails, which prints the check's output (or names it with
     * its exit code when it printed nothing, as {@code NetnsCommand.Result.failure} says it) and exits 1. {@code take} rebuilds
     * {@code "$@"} from the first {@code n} words of its arguments.
     */
    static final String SCRIPT = "k=$1; shift; j=0; "
            + "take() { n=$1; shift; i=0; for w do [ \"$i\" -eq 0 ] && set --; [ \"$i\" -lt \"$n\" ] && set -- \"$@\" \"$w\"; i=$((i+1)); done; "
            + "if [ \"$j\" -lt \"$k\" ]; then \"$@\" >/dev/null 2>&1; return 0; fi; "
            + "out=$(\"$@\" 2>&1); rc=$?; [ \"$rc\" -eq 0 ] && return 0; "
            + "if [ -n \"$out\" ]; then printf '%s\\n' \"$out\"; else echo \"\\`$*\\` failed ($rc)\"; fi; return 1; }; "
            + "while [ \"$#\" -gt 0 ]; do n=$1; take \"$@\" || exit 1; j=$((j + 1)); shift $((n + 1)); done";

    private Batch() {}

    /** Runs every command, whatever each one's outcome (a revert's pieces may be gone already); exits 0. */
    public static List<String> all(List<List<String>> commands) {
        return argv(commands, List.of());
    }

    /** Runs the commands in order up to the first that fails, prints what it said and exits 1; exits 0 if all pass. */
    public static List<String> check(List<List<String>> commands) {
        return argv(List.of(), commands);
    }

    /** A revert and then its check, in one process: {@link #all} of {@code revert}, then {@link #check} of {@code verify}. */
    public static List<String> revertThenCheck(List<List<String>> revert, List<List<String>> verify) {
        return argv(revert, verify);
    }

    private static List<String> argv(List<List<String>> quiet, List<List<String>> checks) {
        List<String> argv =
                new ArrayList<>(List.of("sh", "-c", SCRIPT, "faultline-batch", Integer.toString(quiet.size())));
        for (List<List<String>> part : List.of(quiet, checks)) {
            for (List<String> cmd : part) {
                if (cmd.isEmpty()) throw new IllegalArgumentException("an empty command in a batch");
                argv.add(Integer.toString(cmd.size()));
                argv.addAll(cmd);
            }
        }
        return argv;
    }
}
