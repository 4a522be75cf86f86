package dev.faultline.sidecar.jvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a JVM was started with the attach mechanism disabled, from what it was given at launch: the options HotSpot
 * reads, in its order ({@code JAVA_TOOL_OPTIONS}, the command line with {@code JDK_JAVA_OPTIONS} the launcher put in
 * front of it, {@code _JAVA_OPTIONS} last); the last {@code -XX:±DisableAttachMechanism} wins, as in HotSpot.
 */
final class LaunchOptions {
    static final String FLAG = "DisableAttachMechanism";

    /** How much of a command line a listing shows. */
    static final int MAX_DISPLAY = 300;

    /** An option whose name says its value is a secret: {@code -Ddb.password=…}, {@code --api-token=…}. */
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "^(-[^=]*(?i:password|passwd|pwd|secret|token|credential|apikey|api[._-]key|private[._-]?key)[^=]*=).*$");

    /**
     * A command line as {@code jvm list}, {@code --json} and the journal show it: values of options named like
     * secrets masked, control characters blanked, and cut after {@value #MAX_DISPLAY} characters.
     */
    static String forDisplay(List<String> cmdline) {
        StringBuilder b = new StringBuilder();
        for (String arg : cmdline) {
            if (b.length() > 0) b.append(' ');
            b.append(SECRET_VALUE.matcher(arg).replaceFirst("$1***"));
            if (b.length() > MAX_DISPLAY) break;
        }
        String shown = b.length() > MAX_DISPLAY ? b.substring(0, MAX_DISPLAY) + "…" : b.toString();
        return shown.codePoints()
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    /** Launcher options whose value is the next word. */
    private static final Set<String> WITH_VALUE = Set.of(
            "-cp",
            "-classpath",
            "--class-path",
            "-p",
            "--module-path",
            "--upgrade-module-path",
            "--add-modules",
            "--limit-modules",
            "--add-reads",
            "--add-exports",
            "--add-opens",
            "--patch-module",
            "--enable-native-access");

    private LaunchOptions() {}

    /** Where the flag that disables attach was set; null if attach is enabled. */
    static String attachDisabledBy(List<String> cmdline, List<String> environ) {
        String by = null;
        for (String source : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "command line", "_JAVA_OPTIONS")) {
            List<String> words = source.equals("command line") ? vmOptions(cmdline) : words(env(environ, source));
            for (String w : words) {
                if (w.equals("-XX:+" + FLAG)) by = source;
                else if (w.equals("-XX:-" + FLAG)) by = null;
            }
        }
        return by;
    }

    /** The launcher's options: up to the main class, {@code -jar} or {@code -m} (what follows belongs to the app). */
    static List<String> vmOptions(List<String> cmdline) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < cmdline.size(); i++) {
            String w = cmdline.get(i);
            if (!w.startsWith("-") || w.equals("-jar") || w.equals("-m") || w.equals("--module")) break;
            out.add(w);
            if (WITH_VALUE.contains(w)) i++; // its value, say a class path, is not an option
        }
        return out;
    }

    /** An argument file ({@code java @file}) can hold any option: the preflight cannot see into it. */
    static boolean hasArgumentFile(List<String> cmdline) {
        return cmdline.stream().skip(1).anyMatch(w -> w.startsWith("@") && !w.startsWith("@@"));
    }

    private static String env(List<String> environ, String name) {
        for (String e : environ) {
            if (e.startsWith(name + "=")) return e.substring(name.length() + 1);
        }
        return "";
    }

    private static List<String> words(String value) {
        return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }
}
