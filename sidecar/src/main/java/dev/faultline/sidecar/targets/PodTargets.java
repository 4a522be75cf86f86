package dev.faultline.sidecar.targets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pod mode (no engine socket: a sidecar container in the target's pod, or {@code network_mode: service:app}):
 * the network to shape is our own namespace ({@code self}), and the processes to signal are found by their
 * command line in the PID namespace we share with the app.
 */
public final class PodTargets {
    public static final String SELF = OwnNamespace.ID;

    private PodTargets() {}

    public static OwnNamespace self() {
        return OwnNamespace.INSTANCE;
    }

    /**
     * Processes whose command line matches a name (exact program name) or re2:<regex>; never this JVM. Empty when none
     * does (the experiment logs "no containers found", as for containers).
     */
    public static List<ProcessTarget> processes(List<String> targets) {
        if (targets == null || targets.isEmpty())
            throw new IllegalArgumentException("no targets: name a process or give re2:<regex> of its command line");
        List<Pattern> patterns = new ArrayList<>();
        for (String t : targets) {
            patterns.add(
                    t.startsWith("re2:")
                            ? Pattern.compile(t.substring(4))
                            : Pattern.compile("(^|/)" + Pattern.quote(t) + "(\\s|$)"));
        }
        long me = ProcessHandle.current().pid();
        List<ProcessTarget> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == me) continue;
                String cmdline;
                try {
                    cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ')
                            .trim();
                } catch (IOException gone) {
                    continue;
                }
                if (cmdline.isEmpty()) continue;
                if (patterns.stream().anyMatch(pt -> pt.matcher(cmdline).find())) {
                    out.add(new ProcessTarget(Long.parseLong(name), cmdline));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc: " + e.getMessage());
        }
        return out;
    }
}
