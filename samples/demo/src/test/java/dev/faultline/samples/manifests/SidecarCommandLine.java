package dev.faultline.samples.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.samples.experiments.TestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the built sidecar accepts, asked of the sidecar itself ({@code faultline-sidecar <verb> --help}). */
final class SidecarCommandLine {

    /** The tag the samples' manifests run; built from sidecar/Dockerfile (see samples/README.md). */
    static final String IMAGE = "faultline/sidecar:local";

    private final Path jar;

    SidecarCommandLine(Path jar) {
        this.jar = jar;
    }

    String image() {
        return IMAGE;
    }

    /** What a manifest's daemon command asks of the JMX connector. */
    record Daemon(int jmxPort, String jmxHost, String passwordFile, String accessFile) {}

    /**
     * Checks a {@code [global flags] daemon --jmx-port N …} command against the sidecar's own help; the global flags
     * (e.g. {@code --runtime-endpoint}) against its top-level help.
     */
    Daemon checkDaemonCommand(List<String> args) throws IOException, InterruptedException {
        int verb = args.indexOf("daemon");
        assertTrue(verb >= 0, "the sidecar runs as a daemon: " + args);
        checkFlags(args.subList(0, verb), help(null));
        args = args.subList(verb, args.size());
        int i = args.indexOf("--jmx-port");
        assertTrue(i > 0 && i + 1 < args.size(), "daemon needs --jmx-port N: " + args);
        String help = help("daemon");
        for (String arg : args.subList(1, args.size())) {
            if (arg.startsWith("--")) {
                assertTrue(help.contains(arg), "the sidecar's `daemon --help` does not list " + arg + ":\n" + help);
            }
        }
        return new Daemon(
                Integer.parseInt(args.get(i + 1)),
                value(args, "--jmx-host"),
                value(args, "--jmx-password-file"),
                value(args, "--jmx-access-file"));
    }

    /** Checks a {@code [global flags] <verb> [verb flags] TARGET…} command: each flag is in the help that owns it. */
    void checkVerbCommand(List<String> args, String verb) throws IOException, InterruptedException {
        int v = args.indexOf(verb);
        assertTrue(v >= 0, verb + " in " + args);
        checkFlags(args.subList(0, v), help(null));
        checkFlags(args.subList(v + 1, args.size()), help(verb));
    }

    private static void checkFlags(List<String> args, String help) {
        for (String arg : args) {
            if (arg.startsWith("--"))
                assertTrue(
                        help.contains(arg + " ") || help.contains(arg + "="),
                        "the sidecar's help does not list " + arg + ":\n" + help);
        }
    }

    /** The value after {@code option}, or null. */
    static String value(List<String> args, String option) {
        int i = args.indexOf(option);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    /** {@code <verb> --help}; the top-level help for a null verb. */
    String help(String verb) throws IOException, InterruptedException {
        TestEnvironment.requireFile(jar, "build it with `mvn -B -q -DskipTests package`");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        if (verb != null) command.add(verb);
        command.add("--help");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sidecar help did not finish");
        assertEquals(0, p.exitValue(), "`faultline-sidecar " + verb + " --help` failed:\n" + out);
        return out;
    }
}
