package dev.faultline.cli.it;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

/** Real processes from the built jars: agents in forked JVMs, sidecar daemons, and the CLI itself. */
final class Processes {
    static final String JAVA = System.getProperty("java.home") + "/bin/java";
    static final String CLI_JAR =
            System.getProperty("faultline.cli.jar", new File("target/faultline.jar").getAbsolutePath());
    static final String AGENT_JAR = System.getProperty(
            "faultline.agent.jar", new File("../agent/target/faultline-agent.jar").getAbsolutePath());
    static final String SIDECAR_JAR = System.getProperty(
            "faultline.sidecar.jar", new File("../sidecar/target/faultline-sidecar.jar").getAbsolutePath());

    private Processes() {}

    /** A JVM with the agent on {@code port}, its generated password in {@code dir}. */
    static Process agent(int port, Path dir) throws IOException {
        String testClasses = new File(IdleService.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .getAbsolutePath();
        return new ProcessBuilder(
                        JAVA,
                        "-XX:TieredStopAtLevel=1",
                        "-javaagent:" + AGENT_JAR + "=jmx.port=" + port + ",jmx.auth.dir=" + dir,
                        "-cp",
                        testClasses,
                        IdleService.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent-" + port + ".log").toFile())
                .start();
    }

    /** A sidecar daemon on {@code port}; its journal, and so its generated password, in {@code dir}. */
    static Process sidecar(int port, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                        JAVA,
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        SIDECAR_JAR,
                        "daemon",
                        "--jmx-port",
                        Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sidecar-" + port + ".log").toFile());
        pb.environment().put("FAULTLINE_JOURNAL", dir.resolve("journal").toString());
        return pb.start();
    }

    /** Waits for the generated password, then for the connector to take it; returns a logged-in connection. */
    static JMXConnector await(int port, Path dir) throws Exception {
        Path file = Credentials.generatedFile(dir, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no " + file + "; log:\n" + logs(dir));
            Thread.sleep(50);
        }
        return JmxClient.await("127.0.0.1", port, Credentials.read(file), 60_000);
    }

    static String logs(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".log")).toList())
                sb.append("== ").append(p).append('\n').append(Files.readString(p));
        }
        return sb.toString();
    }

    static Object invoke(JMXConnector c, String mbean, String op) throws Exception {
        return c.getMBeanServerConnection().invoke(new ObjectName(mbean), op, new Object[0], new String[0]);
    }

    record Run(int exit, String out, String err, long millis) {}

    /** {@code java -jar faultline.jar …} as a separate process, to its end. */
    static Run cli(String... args) throws Exception {
        return cli(Map.of(), args);
    }

    /** The same, with {@code env} added to this JVM's environment. */
    static Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-jar", CLI_JAR));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("faultline-cli", ".out");
        Path err = Files.createTempFile("faultline-cli", ".err");
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("faultline did not end: " + String.join(" ", args));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8),
                millis);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
