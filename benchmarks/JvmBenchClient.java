import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The JMX side of benchmarks/jvm-attach.sh, run with the JDK's source launcher: one long-lived client, driven line by
 * line on stdin, so that a call's time is the call alone (no JVM start). For each command it prints the wall clock
 * (epoch ns, the clock docker's log timestamps use) taken just before the call, then the call's result.
 * <pre>
 * connect PORT USER PASSWORD   (USER "-": no credentials)
 * run COMMAND                  the sidecar's run(COMMAND)
 * stop ID                      the sidecar's stop(ID)
 * add SPEC                     the agent's add(SPEC)
 * remove ID                    the agent's remove(ID)
 * </pre>
 */
public final class JvmBenchClient {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        JMXConnector connector = null;
        MBeanServerConnection jmx = null;
        ObjectName sidecar = new ObjectName("dev.faultline:type=Sidecar");
        ObjectName agent = new ObjectName("dev.faultline:type=Agent");
        String[] string = {String.class.getName()};
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.split(" ", 2);
            Object result;
            long t0;
            try {
                switch (w[0]) {
                    case "connect" -> {
                        if (connector != null) connector.close();
                        String[] c = w[1].split(" ");
                        Map<String, Object> env = new HashMap<>();
                        if (!c[1].equals("-")) env.put(JMXConnector.CREDENTIALS, new String[] {c[1], c[2]});
                        JMXServiceURL url =
                                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + c[0] + "/jmxrmi");
                        t0 = now();
                        connector = JMXConnectorFactory.connect(url, env);
                        jmx = connector.getMBeanServerConnection();
                        result = "connected";
                    }
                    case "run" -> {
                        t0 = now();
                        result = jmx.invoke(sidecar, "run", new Object[] {w[1]}, string);
                    }
                    case "stop" -> {
                        t0 = now();
                        result = jmx.invoke(sidecar, "stop", new Object[] {w[1]}, string);
                    }
                    case "add" -> {
                        t0 = now();
                        result = jmx.invoke(agent, "add", new Object[] {w[1]}, string);
                    }
                    case "remove" -> {
                        t0 = now();
                        result = jmx.invoke(agent, "remove", new Object[] {w[1]}, string);
                    }
                    default -> throw new IllegalArgumentException("unknown command '" + w[0] + "'");
                }
            } catch (Exception e) {
                t0 = 0;
                result = "ERROR " + e;
            }
            System.out.println(t0 + " " + String.valueOf(result).replace('\n', ' '));
            System.out.flush();
        }
        try {
            if (connector != null) connector.close();
        } catch (Exception gone) {
            // the server ended first
        }
    }

    static long now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
