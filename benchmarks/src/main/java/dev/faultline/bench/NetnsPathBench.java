package dev.faultline.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Apply and revert time of a rate rule by the sidecar running as a container, on both of its paths into a
 * target's network namespace: nsenter ({@code --pid host}) and the helper container (no {@code --pid host}), and, when
 * a second jar is given, that jar's helper path beside this build's (an older build: before/after in one run). All
 * daemons run at once on one target; each round runs one change on each path in turn, so the paths share the
 * machine's state round by round. Figures are the sidecar's own {@code apply_ms}/{@code revert_ms} log fields, and on
 * the helper path of this build the {@code start_ms} of the helper the change started at its first command (its
 * precheck, before the journal and the apply) and the {@code end_ms} of its end after the revert. Run from the repo root as root after {@code mvn -B -q -DskipTests package}
 * and {@code .ci/images.sh}: {@code bash benchmarks/run.sh netns} (ROUNDS=N, BEFORE_JAR=path). Removes everything it
 * starts (label dev.faultline.bench).
 */
public class NetnsPathBench {
    static final String IMAGE = "faultline/sidecar:bench";
    static final String BEFORE_IMAGE = "faultline/sidecar:bench-before";

    record Path(String label, String image, boolean hostPid, String name, int port) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String beforeJar = args.length > 1 && !args[1].isBlank() ? args[1] : null;
        String run = "flnetns-" + ProcessHandle.current().pid();
        exec("docker", "build", "-q", "--build-arg", "BASE_IMAGE=faultline/jre-base:local", "-t", IMAGE, "sidecar");
        java.nio.file.Path context = null;
        if (beforeJar != null) { // the same Dockerfile around the other jar
            context = Files.createTempDirectory("flnetns-before");
            Files.createDirectories(context.resolve("target"));
            Files.copy(java.nio.file.Path.of("sidecar/Dockerfile"), context.resolve("Dockerfile"));
            Files.copy(java.nio.file.Path.of(beforeJar), context.resolve("target/faultline-sidecar.jar"));
            exec(
                    "docker",
                    "build",
                    "-q",
                    "--build-arg",
                    "BASE_IMAGE=faultline/jre-base:local",
                    "-t",
                    BEFORE_IMAGE,
                    context.toString());
        }
        // the daemon binds 0.0.0.0 in its container, so it requires a password file: a throwaway one for the run
        java.nio.file.Path secrets = Files.createTempDirectory("flnetns");
        Files.writeString(
                secrets.resolve("jmx.password"), "bench " + Long.toHexString(new SecureRandom().nextLong()) + "\n");
        String[] credentials =
                Files.readString(secrets.resolve("jmx.password")).strip().split(" ");
        List<JMXConnector> connections = new ArrayList<>();
        try {
            String target = run + "-target";
            exec(
                    "docker",
                    "run",
                    "-d",
                    "--name",
                    target,
                    "--label",
                    "dev.faultline.bench=" + run,
                    "faultline/busybox:local",
                    "sleep",
                    "3600");
            List<Path> paths = new ArrayList<>(List.of(
                    new Path("nsenter (`--pid host`), this build", IMAGE, true, run + "-nsenter", freePort()),
                    new Path(
                            "helper container (no `--pid host`), this build",
                            IMAGE,
                            false,
                            run + "-helper",
                            freePort())));
            if (beforeJar != null)
                paths.add(new Path(
                        "helper container (no `--pid host`), " + beforeJar,
                        BEFORE_IMAGE,
                        false,
                        run + "-helper-before",
                        freePort()));
            List<MBeanServerConnection> jmx = new ArrayList<>();
            for (Path p : paths) {
                List<String> cmd = new ArrayList<>(List.of(
                        "docker",
                        "run",
                        "-d",
                        "--name",
                        p.name(),
                        "--label",
                        "dev.faultline.bench=" + run,
                        "-v",
                        "/var/run/docker.sock:/var/run/docker.sock",
                        "--cap-add",
                        "NET_ADMIN",
                        "--cap-add",
                        "SYS_ADMIN",
                        "-v",
                        secrets + ":/run/secrets/faultline:ro",
                        "-p",
                        "127.0.0.1:" + p.port() + ":" + p.port()));
                if (p.hostPid()) cmd.addAll(List.of("--pid", "host"));
                cmd.addAll(List.of(
                        p.image(),
                        "daemon",
                        "--jmx-port",
                        Integer.toString(p.port()),
                        "--jmx-password-file",
                        "/run/secrets/faultline/jmx.password"));
                exec(cmd.toArray(String[]::new));
                JMXConnector c = connect(p.port(), credentials);
                connections.add(c);
                jmx.add(c.getMBeanServerConnection());
            }
            ObjectName sidecar = new ObjectName("dev.faultline:type=Sidecar");
            for (int i = 0; i < rounds + 2; i++) { // two warm-up rounds, dropped below
                for (int k = 0; k < paths.size(); k++) {
                    String id = (String) jmx.get(k)
                            .invoke(
                                    sidecar,
                                    "run",
                                    new Object[] {"netem --duration 300ms rate --rate 1mbit " + target},
                                    new String[] {String.class.getName()});
                    awaitReverted(paths.get(k).name(), i + 1);
                    jmx.get(k).invoke(sidecar, "stop", new Object[] {id}, new String[] {String.class.getName()});
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "## %d rounds; %d cores; load %s; docker %s%n",
                    rounds,
                    Runtime.getRuntime().availableProcessors(),
                    Files.readString(java.nio.file.Path.of("/proc/loadavg")).substring(0, 14),
                    exec("docker", "version", "-f", "{{.Server.Version}}").strip());
            System.out.println(
                    "| path (sidecar as a container) | apply median | apply p90 | revert median | revert p90 | helper start median (before the apply) | helper end median (after the revert) | rounds |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (Path p : paths) {
                String logs = exec("docker", "logs", p.name());
                List<Double> apply = grab(logs, "apply_ms=([0-9.]+)"),
                        revert = grab(logs, "revert_ms=([0-9.]+)"),
                        start = grab(logs, "start_ms=([0-9.]+)"),
                        end = grab(logs, "end_ms=([0-9.]+)");
                apply = apply.subList(2, apply.size());
                revert = revert.subList(2, revert.size());
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s | %s | %d |%n",
                        p.label(),
                        pct(apply, 50),
                        pct(apply, 90),
                        pct(revert, 50),
                        pct(revert, 90),
                        median(start),
                        median(end),
                        apply.size());
            }
        } finally {
            for (JMXConnector c : connections) c.close();
            String ids = exec("docker", "ps", "-aq", "--filter", "label=dev.faultline.bench=" + run)
                    .trim();
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
                rm.addAll(Arrays.asList(ids.split("\\s+")));
                exec(rm.toArray(String[]::new));
            }
            exec("docker", "rmi", "-f", IMAGE);
            if (beforeJar != null) exec("docker", "rmi", "-f", BEFORE_IMAGE);
            if (context != null) {
                Files.deleteIfExists(context.resolve("target/faultline-sidecar.jar"));
                Files.deleteIfExists(context.resolve("target"));
                Files.deleteIfExists(context.resolve("Dockerfile"));
                Files.deleteIfExists(context);
            }
        }
    }

    /** The median after the two warm-up rounds, or a dash when the path logs no such field. */
    static String median(List<Double> all) {
        return all.size() > 2 ? String.format(Locale.ROOT, "%.1f ms", pct(all.subList(2, all.size()), 50)) : "—";
    }

    static void awaitReverted(String container, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (grab(exec("docker", "logs", container), "revert_ms=([0-9.]+)").size() >= n) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException("no revert logged by " + container + ":\n" + exec("docker", "logs", container));
    }

    static List<Double> grab(String text, String regex) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) out.add(Double.parseDouble(m.group(1)));
        return out;
    }

    static double pct(List<Double> values, int p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static JMXConnector connect(int port, String[] credentials) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        for (int i = 0; ; i++) {
            try {
                return JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, credentials));
            } catch (IOException e) {
                if (i > 300) throw e;
                Thread.sleep(100);
            }
        }
    }

    static String exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 && !cmd[1].equals("rmi"))
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        return out;
    }
}
