package dev.faultline.cli.command;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The built agent jar and its own attach command ({@code dev.faultline.agent.attach.AttachCli}), loaded from that
 * jar so that the jar it loads into a target is that one: {@code jvms} and {@code attach} are the agent's code path,
 * not a copy. Found as {@code --agent-jar}, {@code $FAULTLINE_AGENT_JAR}, next to the CLI's jar, or in the build tree.
 */
public final class AgentJar {
    static final String ATTACH_CLI = "dev.faultline.agent.attach.AttachCli";
    static final String AGENT_LOADER = "dev.faultline.agent.bootstrap.AgentClassLoader";

    private AgentJar() {}

    public static Path locate(Path given) {
        List<Path> tried = new ArrayList<>();
        if (given != null) return require(given, "--agent-jar");
        String env = System.getenv("FAULTLINE_AGENT_JAR");
        if (env != null && !env.isBlank()) return require(Path.of(env), "FAULTLINE_AGENT_JAR");
        Path self = ownJar();
        if (self != null) {
            Path dir = self.getParent();
            for (Path p : List.of(
                    dir.resolve("faultline-agent.jar"),
                    dir.resolve("../../agent/target/faultline-agent.jar"),
                    dir.resolve("../lib/faultline-agent.jar"))) {
                if (Files.isRegularFile(p)) return p.normalize();
                tried.add(p.normalize());
            }
        }
        throw new IllegalArgumentException(
                "no agent jar: give --agent-jar or FAULTLINE_AGENT_JAR (looked at " + tried + ")");
    }

    /** Runs the agent jar's attach command with these words ({@code list}, {@code attach PID options}) and returns its exit code. */
    public static int run(Path jar, String[] words, PrintWriter out, PrintWriter err) throws Exception {
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getSystemClassLoader())) {
            // the agent's code sits under inst/ in its jar, read by the agent's own loader (as its java -jar main does)
            ClassLoader core = (ClassLoader) Class.forName(AGENT_LOADER, true, loader)
                    .getConstructor(File.class)
                    .newInstance(jar.toFile());
            Class<?> cli = Class.forName(ATTACH_CLI, true, core);
            PrintStream o = new PrintStream(new WriterStream(out), true);
            PrintStream e = new PrintStream(new WriterStream(err), true);
            int code = (int) cli.getMethod("run", String[].class, PrintStream.class, PrintStream.class)
                    .invoke(null, words, o, e);
            o.flush();
            e.flush();
            return code;
        }
    }

    private static Path require(Path p, String from) {
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException(from + " " + p + ": no such file");
        return p;
    }

    private static Path ownJar() {
        try {
            File f = new File(AgentJar.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return f.isFile() ? f.toPath().toAbsolutePath() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** PrintStream over the command's writer (picocli's out/err), so tests and --help see one stream. */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter w;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        WriterStream(PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') flush();
        }

        @Override
        public void flush() {
            w.print(line.toString(StandardCharsets.UTF_8));
            line.reset();
            w.flush();
        }
    }
}
