package dev.faultline.common.probe;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What another local user (or an attacker on the port) tries, in a JVM of its own that uses nothing but the JDK:
 * {@code RemoteProbe <port> <password file to read> <MBean> <a no-argument write operation>}, with
 * {@code <user> <password>} on stdin (an empty line: none). Prints one line per attempt:
 * {@code <ATTEMPT> ok <result>|refused <cause>}.
 */
public final class RemoteProbe {
    private RemoteProbe() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        attempt("READ-PASSWORD-FILE", () -> Files.readString(Path.of(args[1])).length());
        ObjectName faultline = new ObjectName(args[2]);
        String write = args[3];
        String[] login = new BufferedReader(new InputStreamReader(System.in))
                .readLine()
                .strip()
                .split(" ");
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        Map<String, Object> env = new HashMap<>();
        if (login.length == 2) env.put(JMXConnector.CREDENTIALS, login);
        JMXConnector c;
        try {
            c = JMXConnectorFactory.connect(url, env);
            System.out.println("CONNECT ok");
        } catch (Exception e) {
            System.out.println("CONNECT refused " + cause(e));
            return;
        }
        MBeanServerConnection s = c.getMBeanServerConnection();
        attempt("NAMES", () -> s.queryNames(null, null));
        attempt("MLET", () -> s.createMBean("javax.management.loading.MLet", new ObjectName("probe:type=MLet")));
        attempt(
                "DIAGNOSTIC-COMMAND",
                () -> s.invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "vmSystemProperties",
                        new Object[0],
                        new String[0]));
        attempt(
                "HOTSPOT-DIAGNOSTIC",
                () -> s.getAttribute(new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "DiagnosticOptions"));
        attempt("THREADING", () -> s.getAttribute(new ObjectName("java.lang:type=Threading"), "ThreadCount"));
        attempt("UNREGISTER", () -> {
            s.unregisterMBean(faultline);
            return "unregistered";
        });
        attempt("LIST", () -> ((String[]) s.invoke(faultline, "list", new Object[0], new String[0])).length);
        attempt("WRITE", () -> s.invoke(faultline, write, new Object[0], new String[0]));
        c.close();
    }

    interface Attempt {
        Object run() throws Exception;
    }

    private static void attempt(String name, Attempt a) {
        try {
            System.out.println(name + " ok " + a.run());
        } catch (Exception e) {
            System.out.println(name + " refused " + cause(e));
        }
    }

    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getClass().getSimpleName() + ": "
                + String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    }
}
