package dev.faultline.samples.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.AgentOptions;
import dev.faultline.samples.fleet.DockerFleet;
import dev.faultline.samples.fleet.SampleFiles;
import dev.faultline.samples.hello.HelloService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose file and the Kubernetes manifests, parsed and checked against what the programs expect:
 * the service's own argument parser, the agent's own option parser, the sidecar's own command line,
 * the images the samples build, loopback-only ports, the capabilities and mounts each sidecar mode needs.
 */
class ManifestsIT {

    static final String HELLO_IMAGE = DockerFleet.IMAGE;
    static final String DOCKER_SOCKET = "/var/run/docker.sock";
    /** The image's FAULTLINE_JOURNAL is /var/lib/faultline/journal. */
    static final String JOURNAL_DIR = "/var/lib/faultline";

    static final Pattern LOOPBACK_PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)(?:-(\\d+))?:(\\d+)");

    private final SampleFiles files = SampleFiles.locate();
    private final SidecarCommandLine sidecar = new SidecarCommandLine(files.sidecarJar());

    // ---------------------------------------------------------------- compose

    @Test
    @SuppressWarnings("unchecked")
    void composeFileMatchesTheProgramsItRuns() throws Exception {
        Path compose = files.home().resolve("samples/compose/docker-compose.yml");
        Map<String, Object> doc = new Yaml().load(Files.readString(compose));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) doc.get("services");
        assertNotNull(services, "compose file has services");

        for (var e : services.entrySet()) {
            String name = e.getKey();
            Map<String, Object> svc = e.getValue();
            String image = (String) svc.get("image");
            assertTrue(
                    image.equals(HELLO_IMAGE) || image.equals(sidecar.image()),
                    name + ": image " + image + " is neither " + HELLO_IMAGE + " nor " + sidecar.image());
            for (Object port : (List<Object>) svc.getOrDefault("ports", List.of())) {
                assertTrue(
                        LOOPBACK_PORT.matcher(String.valueOf(port)).matches(),
                        name + ": port " + port + " must be published on 127.0.0.1 only");
            }
            if (image.equals(HELLO_IMAGE)) {
                checkHelloCommand(name, (List<String>) svc.get("command"), services);
            }
        }

        // web: the agent's JMX published as 127.0.0.1:N:N (the RMI stub names that port), with a password file
        Map<String, Object> web = services.get("web");
        String agentOpts = (String) ((Map<String, Object>) web.get("environment")).get("FAULTLINE_AGENT_OPTS");
        AgentOptions options = AgentOptions.parse(agentOpts); // the agent's own parser; throws on what it would refuse
        assertTrue(
                publishes(web, options.jmxPort()),
                "web publishes the agent's jmx.port " + options.jmxPort() + " as 127.0.0.1:N:N");
        assertTrue(
                options.jmxAuthFile().startsWith("/run/secrets/"),
                "jmx.auth is a compose secret: " + options.jmxAuthFile());
        String secret = options.jmxAuthFile().substring("/run/secrets/".length());
        assertTrue(((List<String>) web.get("secrets")).contains(secret), "web mounts the secret " + secret);
        Map<String, Object> secretDef = (Map<String, Object>) ((Map<String, Object>) doc.get("secrets")).get(secret);
        Path secretFile = compose.getParent().resolve((String) secretDef.get("file"));
        assertTrue(
                Files.readString(secretFile).strip().matches("\\S+ \\S+"),
                "password file is '<user> <password>': " + secretFile);

        // node mode: engine socket, host PIDs, the capabilities nsenter and signals need, JMX published
        Map<String, Object> node = services.get("chaos-node");
        assertEquals(sidecar.image(), node.get("image"));
        assertEquals(
                "host",
                node.get("pid"),
                "node mode crashes containers by signalling their main process in the host PID namespace");
        assertTrue(
                ((List<String>) node.get("volumes")).contains(DOCKER_SOCKET + ":" + DOCKER_SOCKET),
                "node mode mounts the engine socket");
        assertTrue(
                ((List<String>) node.get("cap_add")).containsAll(List.of("NET_ADMIN", "SYS_ADMIN")),
                "node mode: NET_ADMIN for tc/iptables, SYS_ADMIN for nsenter");
        SidecarCommandLine.Daemon nodeDaemon = sidecar.checkDaemonCommand((List<String>) node.get("command"));
        int nodeJmx = nodeDaemon.jmxPort();
        assertTrue(publishes(node, nodeJmx), "chaos-node publishes its --jmx-port " + nodeJmx + " as 127.0.0.1:N:N");
        checkComposedPasswordFile("chaos-node", node, nodeDaemon, doc);

        // pod mode: inside web's namespaces, no socket; its JMX port is published by the namespace's owner
        Map<String, Object> pod = services.get("chaos-pod");
        assertEquals("service:web", pod.get("network_mode"));
        assertEquals("container:" + web.get("container_name"), pod.get("pid"), "chaos-pod joins web's PID namespace");
        assertFalse(
                ((List<String>) pod.getOrDefault("volumes", List.of()))
                        .stream().anyMatch(v -> v.startsWith(DOCKER_SOCKET)),
                "pod mode needs no engine socket");
        for (Map<String, Object> sidecarService : List.of(node, pod)) {
            assertTrue(
                    ((List<String>) sidecarService.get("volumes"))
                            .stream().anyMatch(v -> v.endsWith(":" + JOURNAL_DIR)),
                    "the journal is on a volume, so a restarted sidecar reverts what a killed one left: "
                            + sidecarService.get("volumes"));
        }
        assertFalse(pod.containsKey("ports"), "a service in another's network namespace cannot publish ports");
        assertTrue(
                ((List<String>) pod.get("cap_add")).contains("NET_ADMIN"), "pod mode shapes web's network: NET_ADMIN");
        SidecarCommandLine.Daemon podDaemon = sidecar.checkDaemonCommand((List<String>) pod.get("command"));
        int podJmx = podDaemon.jmxPort();
        checkComposedPasswordFile("chaos-pod", pod, podDaemon, doc);
        assertTrue(publishes(web, podJmx), "web publishes chaos-pod's --jmx-port " + podJmx);
        assertTrue(
                podJmx != options.jmxPort(),
                "chaos-pod and web's agent share a network namespace: different JMX ports");
    }

    /** In a container the daemon binds 0.0.0.0, so it must be given a password file, and that file is a compose secret. */
    @SuppressWarnings("unchecked")
    private static void checkComposedPasswordFile(
            String name, Map<String, Object> service, SidecarCommandLine.Daemon daemon, Map<String, Object> doc) {
        assertNotNull(daemon.passwordFile(), name + ": a sidecar in a container needs --jmx-password-file");
        assertTrue(
                daemon.passwordFile().startsWith("/run/secrets/"),
                name + ": the password file is a compose secret: " + daemon.passwordFile());
        String secret = daemon.passwordFile().substring("/run/secrets/".length());
        assertTrue(
                ((List<String>) service.getOrDefault("secrets", List.of())).contains(secret),
                name + " mounts the secret " + secret);
        assertNotNull(((Map<String, Object>) doc.get("secrets")).get(secret), "the secret " + secret + " is defined");
    }

    private void checkHelloCommand(String name, List<String> command, Map<String, Map<String, Object>> services) {
        HelloService.Options options =
                HelloService.Options.parse(command.toArray(String[]::new)); // the service's own parser
        if (options.downstream() != null) {
            String host = options.downstream().getHost();
            Map<String, Object> target = services.get(host);
            assertNotNull(target, name + ": --downstream names service '" + host + "', which the file does not define");
            @SuppressWarnings("unchecked")
            HelloService.Options downstream =
                    HelloService.Options.parse(((List<String>) target.get("command")).toArray(String[]::new));
            assertEquals(
                    downstream.port(),
                    options.downstream().getPort(),
                    name + ": --downstream port must be the port " + host + " listens on");
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean publishes(Map<String, Object> service, int port) {
        for (Object p : (List<Object>) service.getOrDefault("ports", List.of())) {
            Matcher m = LOOPBACK_PORT.matcher(String.valueOf(p));
            if (m.matches()
                    && m.group(2) == null
                    && Integer.parseInt(m.group(1)) == port
                    && Integer.parseInt(m.group(3)) == port) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- kubernetes

    @Test
    void daemonSetRunsTheSidecarInNodeMode() throws Exception {
        Map<String, Object> ds = only(load("sidecar-daemonset.yaml"), "DaemonSet");
        Map<String, Object> podSpec = podSpec(ds);
        assertEquals(
                Boolean.TRUE, podSpec.get("hostPID"), "node mode signals main processes in the host PID namespace");
        Map<String, Object> c = container(podSpec, sidecar.image());
        SidecarCommandLine.Daemon daemon = sidecar.checkDaemonCommand(strings(c.get("args")));
        int jmx = daemon.jmxPort();
        assertTrue(containerPorts(c).contains(jmx), "containerPort matches --jmx-port " + jmx);
        checkCredentialsFromASecret(podSpec, c, daemon);
        assertTrue(
                capabilities(c).containsAll(List.of("NET_ADMIN", "SYS_ADMIN")),
                "NET_ADMIN and SYS_ADMIN: " + capabilities(c));
        String volume = mountedAt(c, DOCKER_SOCKET);
        assertNotNull(volume, "the engine socket is mounted at " + DOCKER_SOCKET);
        Map<String, Object> hostPath = map(volumeNamed(podSpec, volume).get("hostPath"));
        assertEquals(DOCKER_SOCKET, hostPath.get("path"));
        assertEquals("Socket", hostPath.get("type"));
        assertEquals(
                JOURNAL_DIR,
                map(volumeNamed(podSpec, mountedAt(c, JOURNAL_DIR)).get("hostPath"))
                        .get("path"),
                "the journal on the node");
    }

    /** The sockets the sidecar probes for a CRI runtime (RuntimeEndpoints.KNOWN, less Docker's). */
    static final List<String> CRI_SOCKETS = List.of(
            "/run/containerd/containerd.sock",
            "/run/k3s/containerd/containerd.sock",
            "/var/snap/microk8s/common/run/containerd.sock",
            "/var/run/crio/crio.sock");

    @Test
    void criDaemonSetsRunTheSidecarOnTheNodesRuntimeWithoutDocker() throws Exception {
        for (String file : List.of("sidecar-daemonset-containerd.yaml", "sidecar-daemonset-crio.yaml")) {
            Map<String, Object> podSpec = podSpec(only(load(file), "DaemonSet"));
            assertEquals(
                    Boolean.TRUE,
                    podSpec.get("hostPID"),
                    file + ": crash signals host PIDs, netem enters them, pause finds their cgroup");
            Map<String, Object> c = container(podSpec, sidecar.image());
            List<String> args = strings(c.get("args"));
            SidecarCommandLine.Daemon daemon = sidecar.checkDaemonCommand(args);
            assertTrue(containerPorts(c).contains(daemon.jmxPort()), file + ": containerPort matches --jmx-port");
            checkCredentialsFromASecret(podSpec, c, daemon);
            assertTrue(
                    capabilities(c).containsAll(List.of("NET_ADMIN", "SYS_ADMIN", "KILL")),
                    file + ": " + capabilities(c));
            checkCriNode(file, podSpec, c, args);
            assertNotNull(mountedAt(c, "/sys/fs/cgroup"), file + ": pause writes the node's freezer files");
            assertEquals(
                    "/sys/fs/cgroup",
                    map(volumeNamed(podSpec, mountedAt(c, "/sys/fs/cgroup")).get("hostPath"))
                            .get("path"));
        }
        String containerd = Files.readString(files.home().resolve("samples/k8s/sidecar-daemonset-containerd.yaml"));
        String crio = Files.readString(files.home().resolve("samples/k8s/sidecar-daemonset-crio.yaml"));
        assertEquals(
                uncommented(containerd).replace("/run/containerd/containerd.sock", "/var/run/crio/crio.sock"),
                uncommented(crio),
                "the CRI-O DaemonSet differs from the containerd one only in the socket");
    }

    @Test
    void theSeedsExperimentIsAReadyManifestWhoseArgsTheSidecarParses() throws Exception {
        Map<String, Object> podSpec = podSpec(only(load("experiment-crash-hello.yaml"), "DaemonSet"));
        assertEquals(Boolean.TRUE, podSpec.get("hostPID"), "crash signals the container's host PID");
        Map<String, Object> c = container(podSpec, sidecar.image());
        List<String> args = strings(c.get("args"));
        assertEquals(
                List.of("--random", "--interval", "30s", "crash", "--signal", "SIGKILL", "re2:hello-minikube"),
                args.subList(2, args.size()),
                "the seed's experiment, word for word");
        sidecar.checkVerbCommand(args, "crash");
        assertTrue(capabilities(c).contains("KILL"), "crash signals another container's process");
        checkCriNode("experiment-crash-hello.yaml", podSpec, c, args);
    }

    /** The runtime socket the args name, mounted from the node at the same path; no Docker socket; our own pod's uid. */
    private static void checkCriNode(
            String file, Map<String, Object> podSpec, Map<String, Object> c, List<String> args) {
        String endpoint = SidecarCommandLine.value(args, "--runtime-endpoint");
        assertNotNull(endpoint, file + ": --runtime-endpoint");
        String socket = endpoint.substring("unix://".length());
        assertTrue(
                endpoint.startsWith("unix:///") && CRI_SOCKETS.contains(socket),
                file + ": a known CRI socket: " + endpoint);
        String volume = mountedAt(c, socket);
        assertNotNull(volume, file + ": the socket is mounted at " + socket);
        Map<String, Object> hostPath = map(volumeNamed(podSpec, volume).get("hostPath"));
        assertEquals(socket, hostPath.get("path"));
        assertEquals("Socket", hostPath.get("type"));
        assertTrue(
                list(c.getOrDefault("volumeMounts", List.of())).stream()
                        .map(ManifestsIT::map)
                        .noneMatch(m -> DOCKER_SOCKET.equals(m.get("mountPath"))),
                file + ": no Docker socket on a CRI node");
        assertEquals(
                JOURNAL_DIR,
                map(volumeNamed(podSpec, mountedAt(c, JOURNAL_DIR)).get("hostPath"))
                        .get("path"),
                file + ": the journal on the node");
        Map<String, Object> uid = list(c.get("env")).stream()
                .map(ManifestsIT::map)
                .filter(e -> "FAULTLINE_POD_UID".equals(e.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(file + ": FAULTLINE_POD_UID (our own pod is never a target)"));
        assertEquals(
                "metadata.uid", map(map(uid.get("valueFrom")).get("fieldRef")).get("fieldPath"));
    }

    private static String uncommented(String yaml) {
        return yaml.lines().filter(l -> !l.stripLeading().startsWith("#")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void sidecarContainerSharesThePodsNamespacesWithoutASocket() throws Exception {
        Map<String, Object> deployment = only(load("hello-with-sidecar.yaml"), "Deployment");
        Map<String, Object> podSpec = podSpec(deployment);
        assertEquals(Boolean.TRUE, podSpec.get("shareProcessNamespace"), "pod mode signals the service's process");
        assertFalse(podSpec.containsKey("hostPID"));
        Map<String, Object> hello = container(podSpec, HELLO_IMAGE);
        HelloService.Options helloOptions =
                HelloService.Options.parse(strings(hello.get("args")).toArray(String[]::new));
        assertTrue(containerPorts(hello).contains(helloOptions.port()));
        AgentOptions agent = AgentOptions.parse(env(hello, "FAULTLINE_AGENT_OPTS"));
        assertTrue(containerPorts(hello).contains(agent.jmxPort()), "agent jmx.port " + agent.jmxPort() + " declared");
        assertEquals(
                "127.0.0.1",
                agent.jmxHost(),
                "the agent's JMX stays on the pod's loopback (the sidecar and port-forward reach it)");

        assertTrue(
                agent.jmxAuthFile() != null && secretMountOf(podSpec, hello, agent.jmxAuthFile()) != null,
                "the agent's jmx.auth comes from a Secret: " + agent.jmxAuthFile());
        Map<String, Object> side = container(podSpec, sidecar.image());
        SidecarCommandLine.Daemon daemon = sidecar.checkDaemonCommand(strings(side.get("args")));
        int jmx = daemon.jmxPort();
        checkCredentialsFromASecret(podSpec, side, daemon);
        assertTrue(containerPorts(side).contains(jmx));
        assertTrue(jmx != agent.jmxPort() && jmx != helloOptions.port(), "one network namespace: distinct ports");
        assertTrue(capabilities(side).contains("NET_ADMIN"));
        assertTrue(
                list(side.getOrDefault("volumeMounts", List.of())).stream()
                        .map(ManifestsIT::map)
                        .noneMatch(m -> DOCKER_SOCKET.equals(m.get("mountPath"))),
                "pod mode needs no engine socket");
        assertNotNull(mountedAt(side, JOURNAL_DIR), "the journal survives the sidecar container's restarts");
    }

    @Test
    void helloManifestsPointAtRealPortsAndAHealthEndpointThatAnswers() throws Exception {
        List<Map<String, Object>> docs = load("hello.yaml");
        Map<String, Map<String, Object>> servicesByName = new HashMap<>();
        for (Map<String, Object> d : docs) {
            if ("Service".equals(d.get("kind"))) {
                servicesByName.put((String) map(d.get("metadata")).get("name"), d);
            }
        }
        for (Map<String, Object> d : docs) {
            if (!"Deployment".equals(d.get("kind"))) {
                continue;
            }
            Map<String, Object> c = container(podSpec(d), HELLO_IMAGE);
            HelloService.Options options =
                    HelloService.Options.parse(strings(c.get("args")).toArray(String[]::new));
            assertTrue(containerPorts(c).contains(options.port()));
            if (options.downstream() != null) {
                Map<String, Object> svc =
                        servicesByName.get(options.downstream().getHost());
                assertNotNull(svc, "--downstream host is a Service: " + options.downstream());
                Map<String, Object> port =
                        map(list(map(svc.get("spec")).get("ports")).get(0));
                assertEquals(options.downstream().getPort(), port.get("port"));
            }
            if (c.containsKey("readinessProbe")) {
                Map<String, Object> get = map(map(c.get("readinessProbe")).get("httpGet"));
                assertEquals(options.port(), get.get("port"));
                // the probe's path, asked of a real hello-service
                HelloService service = new HelloService(0, null, "probe").start();
                try {
                    HttpResponse<String> r = HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create("http://127.0.0.1:" + service.port() + get.get("path")))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), "readinessProbe path " + get.get("path"));
                } finally {
                    service.stop();
                }
            }
        }
        assertEquals(
                5,
                map(only(
                                        docs.stream()
                                                .filter(d -> "hello"
                                                        .equals(map(d.get("metadata"))
                                                                .get("name")))
                                                .toList(),
                                        "Deployment")
                                .get("spec"))
                        .get("replicas"),
                "the classic experiment's five replicas");
    }

    // ---------------------------------------------------------------- yaml helpers

    private List<Map<String, Object>> load(String name) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object o : new Yaml()
                .loadAll(Files.readString(files.home().resolve("samples/k8s").resolve(name)))) {
            if (o != null) {
                docs.add(map(o));
            }
        }
        return docs;
    }

    private static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found =
                docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(map(map(workload.get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> container(Map<String, Object> podSpec, String image) {
        return list(podSpec.get("containers")).stream()
                .map(ManifestsIT::map)
                .filter(c -> image.equals(c.get("image")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container runs " + image));
    }

    private static List<Integer> containerPorts(Map<String, Object> container) {
        return list(container.getOrDefault("ports", List.of())).stream()
                .map(p -> (Integer) map(p).get("containerPort"))
                .toList();
    }

    private static List<String> capabilities(Map<String, Object> container) {
        Object sc = container.get("securityContext");
        return sc == null ? List.of() : strings(map(map(sc).get("capabilities")).get("add"));
    }

    /**
     * The sidecar's connector on the pod's loopback (kubectl port-forward reaches it, other pods do not), its
     * password and access files from a Secret volume.
     */
    private static void checkCredentialsFromASecret(
            Map<String, Object> podSpec, Map<String, Object> c, SidecarCommandLine.Daemon daemon) {
        assertEquals("127.0.0.1", daemon.jmxHost(), "the sidecar's JMX listens on the pod's loopback only");
        assertNotNull(daemon.passwordFile(), "--jmx-password-file is given");
        assertNotNull(
                secretMountOf(podSpec, c, daemon.passwordFile()),
                "the password file comes from a Secret: " + daemon.passwordFile());
        if (daemon.accessFile() != null)
            assertNotNull(secretMountOf(podSpec, c, daemon.accessFile()), "the access file comes from a Secret");
    }

    /** The Secret whose volume is mounted over {@code file}'s directory in {@code c}, or null. */
    private static String secretMountOf(Map<String, Object> podSpec, Map<String, Object> c, String file) {
        String dir = file.substring(0, file.lastIndexOf('/'));
        String volume = mountedAt(c, dir);
        if (volume == null) return null;
        Object secret = volumeNamed(podSpec, volume).get("secret");
        return secret == null ? null : (String) map(secret).get("secretName");
    }

    private static String mountedAt(Map<String, Object> container, String path) {
        return list(container.getOrDefault("volumeMounts", List.of())).stream()
                .map(ManifestsIT::map)
                .filter(m -> path.equals(m.get("mountPath")))
                .map(m -> (String) m.get("name"))
                .findFirst()
                .orElse(null);
    }

    private static Map<String, Object> volumeNamed(Map<String, Object> podSpec, String name) {
        return list(podSpec.get("volumes")).stream()
                .map(ManifestsIT::map)
                .filter(v -> name.equals(v.get("name")))
                .findFirst()
                .orElseThrow();
    }

    private static String env(Map<String, Object> container, String name) {
        return list(container.get("env")).stream()
                .map(ManifestsIT::map)
                .filter(e -> name.equals(e.get("name")))
                .map(e -> (String) e.get("value"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) Objects.requireNonNull(o);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) Objects.requireNonNull(o);
    }

    static List<String> strings(Object o) {
        return list(o).stream().map(String::valueOf).toList();
    }
}
