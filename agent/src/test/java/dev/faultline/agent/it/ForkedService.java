package dev.faultline.agent.it;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

/**
 * A JVM forked the way a user starts a service: {@code java -javaagent:<the built jar>=… Main}. The agent's
 * classes are never on its classpath (they are filtered out of the test classpath), so what runs is the
 * shaded jar. It speaks a line protocol on stdin/stdout ({@link ProbeApp}); operators' JMX goes over a real
 * remote connector.
 */
public final class ForkedService implements AutoCloseable {
    public static final String AGENT_JAR =
            System.getProperty("faultline.agent.jar", new File("target/faultline-agent.jar").getAbsolutePath());
    /** Where the forked agents write their generated JMX passwords ({@code jmx.auth.dir}), one for the test run. */
    public static final Path CREDENTIALS_DIR = tempDir();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("faultline-jmx-credentials");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
    private final StringBuffer err = new StringBuffer();
    private final int jmxPort;
    private JMXConnector connector;
    private int platformPort;
    private JMXConnector platformConnector;
    static final Credentials PLATFORM_OBSERVER =
            new Credentials("observer", Long.toHexString(new SecureRandom().nextLong()));

    private ForkedService(Process process, int jmxPort) {
        this.process = process;
        this.jmxPort = jmxPort;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        pump(
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                out::add,
                "out");
        pump(
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
                l -> err.append(l).append('\n'),
                "err");
    }

    public static Builder builder(Jdks.Jdk jdk) {
        return new Builder(jdk);
    }

    public static final class Builder {
        private final Jdks.Jdk jdk;
        private String agentArgs;
        private boolean agent = true;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> classpathExtra = new ArrayList<>();
        private String mainClass = ProbeApp.class.getName();
        private final List<String> args = new ArrayList<>();
        private int jmxPort;
        private String readyLine = "READY";
        private boolean remoteJmx = true;
        private int platformPort;

        private Builder(Jdks.Jdk jdk) {
            this.jdk = jdk;
        }

        /** Agent options after {@code =}; {@code jmx.port} is added unless given. */
        public Builder agentArgs(String agentArgs) {
            this.agentArgs = agentArgs;
            return this;
        }

        /** The agent without {@code jmx.port}: no remote connector (only local JMX tools reach it). */
        public Builder withoutRemoteJmx() {
            this.remoteJmx = false;
            return this;
        }

        /**
         * The JDK's own JMX agent as well, on a second port, for a test that must watch the service's platform
         * MBeans (heap, threads): Faultline's port serves none of them. With a password, like everything here.
         */
        public Builder withPlatformJmx() throws IOException {
            platformPort = freePort();
            Path dir = Files.createTempDirectory("faultline-platform-jmx");
            Path passwords = Files.writeString(
                    dir.resolve("jmx.password"), PLATFORM_OBSERVER.user() + " " + PLATFORM_OBSERVER.password() + "\n");
            Path access = Files.writeString(dir.resolve("jmx.access"), PLATFORM_OBSERVER.user() + " readwrite\n");
            Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(access, PosixFilePermissions.fromString("rw-------"));
            return jvmArg(
                    "-Dcom.sun.management.jmxremote.port=" + platformPort,
                    "-Dcom.sun.management.jmxremote.rmi.port=" + platformPort,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.ssl=false",
                    "-Dcom.sun.management.jmxremote.password.file=" + passwords,
                    "-Dcom.sun.management.jmxremote.access.file=" + access);
        }

        public Builder withoutAgent() {
            this.agent = false;
            return this;
        }

        public Builder jvmArg(String... a) {
            jvmArgs.addAll(Arrays.asList(a));
            return this;
        }

        public Builder classpath(String entry) {
            classpathExtra.add(entry);
            return this;
        }

        public Builder main(String mainClass, String... args) {
            this.mainClass = mainClass;
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        public Builder readyLine(String line) {
            this.readyLine = line;
            return this;
        }

        public ForkedService start() throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(jdk.java());
            if (agent) {
                jmxPort = freePort();
                String opts = (agentArgs == null || agentArgs.isEmpty()) ? "" : agentArgs;
                if (!remoteJmx) jmxPort = 0;
                else if (!opts.contains("jmx.port=")) opts = "jmx.port=" + jmxPort + (opts.isEmpty() ? "" : "," + opts);
                else jmxPort = Integer.parseInt(opts.replaceAll(".*jmx\\.port=(\\d+).*", "$1"));
                if (!opts.contains("jmx.auth")) opts += (opts.isEmpty() ? "" : ",") + "jmx.auth.dir=" + CREDENTIALS_DIR;
                cmd.add("-javaagent:" + AGENT_JAR + "=" + opts);
            }
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            List<String> cp = new ArrayList<>(classpathExtra);
            cp.addAll(serviceClasspath());
            cmd.add(String.join(File.pathSeparator, cp));
            cmd.add(mainClass);
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).start();
            ForkedService s = new ForkedService(p, jmxPort);
            s.platformPort = platformPort;
            s.awaitLine(readyLine, Duration.ofSeconds(30));
            return s;
        }
    }

    /** The test classpath minus the agent and the libraries it shades: the service never sees our classes. */
    public static List<String> serviceClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("/target/classes")
                        && !e.contains("faultline-agent")
                        && !e.contains("/net/bytebuddy/")
                        && !e.contains("/io/prometheus/")
                        && !e.contains("/org/yaml/")
                        && !e.contains("/org/slf4j/slf4j-simple")
                        && !e.contains("/io/opentelemetry/")) // only a test that asks for it gets OpenTelemetry
                .collect(Collectors.toList());
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Sends one command to the {@link ProbeApp} and returns its one-line answer. */
    public String send(String command) throws InterruptedException {
        return send(command, Duration.ofSeconds(120));
    }

    /** {@link #send(String)} for a command that runs longer (a load test inside the service). */
    public String send(String command, Duration timeout) throws InterruptedException {
        in.println(command);
        String line = out.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) throw new AssertionError("no answer to '" + command + "'; stderr:\n" + err);
        return line;
    }

    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = out.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) return line;
            if (line == null && !process.isAlive()) {
                throw new AssertionError(
                        "service exited with " + process.exitValue() + " before '" + prefix + "'; stderr:\n" + err);
            }
        }
        throw new AssertionError("no '" + prefix + "' within " + timeout + "; stderr:\n" + err);
    }

    public String stderr() {
        return err.toString();
    }

    /**
     * Whether stderr shows {@code text} within {@code timeout}. It is read on a thread of its own: a line the service
     * printed before its ready line may not have been read yet when {@link Builder#start()} returns.
     */
    public boolean stderrShows(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!err.toString().contains(text) && System.nanoTime() < deadline) Thread.sleep(20);
        return err.toString().contains(text);
    }

    public Process process() {
        return process;
    }

    public int jmxPort() {
        return jmxPort;
    }

    /** An operator's JMX session: a real remote RMI connection to the agent's connector, with its generated password. */
    public MBeanServerConnection jmx() throws Exception {
        if (connector == null) connector = connect();
        return connector.getMBeanServerConnection();
    }

    /** The JDK's own connector of a service started {@link Builder#withPlatformJmx()}: its platform MBeans. */
    public MBeanServerConnection platform() throws Exception {
        if (platformConnector == null)
            platformConnector = JmxClient.await("127.0.0.1", platformPort, PLATFORM_OBSERVER, 20_000);
        return platformConnector.getMBeanServerConnection();
    }

    /** A new connection, as a second operator would open it. */
    public JMXConnector connect() throws Exception {
        try {
            return JmxClient.await("127.0.0.1", jmxPort, credentials(jmxPort), 20_000);
        } catch (IOException e) {
            throw new AssertionError("JMX never answered on " + jmxPort + "; stderr:\n" + err, e);
        }
    }

    /** The password an agent on this port generated into {@link #CREDENTIALS_DIR}, once it is there. */
    public static Credentials credentials(int port) throws Exception {
        Path file = Credentials.generatedFile(CREDENTIALS_DIR, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no generated JMX password at " + file);
            Thread.sleep(50);
        }
        return Credentials.read(file);
    }

    public static final ObjectName AGENT = name("dev.faultline:type=Agent");

    public String add(String spec) throws Exception {
        return (String) jmx().invoke(AGENT, "add", new Object[] {spec}, new String[] {String.class.getName()});
    }

    public boolean remove(String id) throws Exception {
        return (Boolean) jmx().invoke(AGENT, "remove", new Object[] {id}, new String[] {String.class.getName()});
    }

    public int clear() throws Exception {
        return (Integer) jmx().invoke(AGENT, "clear", new Object[0], new String[0]);
    }

    public String[] list() throws Exception {
        return (String[]) jmx().invoke(AGENT, "list", new Object[0], new String[0]);
    }

    public Object attribute(String name) throws Exception {
        return jmx().getAttribute(AGENT, name);
    }

    public static ObjectName name(String s) {
        try {
            return new ObjectName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (connector != null) connector.close();
            if (platformConnector != null) platformConnector.close();
        } catch (IOException ignored) {
            // the service may already be gone
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(BufferedReader reader, Consumer<String> sink, String name) {
        Thread t = new Thread(
                () -> {
                    try {
                        for (String line; (line = reader.readLine()) != null; ) sink.accept(line);
                    } catch (IOException ignored) {
                        // process ended
                    }
                },
                "forked-" + name);
        t.setDaemon(true);
        t.start();
    }
}
