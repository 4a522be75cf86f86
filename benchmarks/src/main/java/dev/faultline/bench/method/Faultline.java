package dev.faultline.bench.method;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The agent loaded into this (benchmark) JVM with -javaagent, driven through its MBean like any JMX client. */
final class Faultline {
    private static final ObjectName AGENT;

    static {
        try {
            AGENT = new ObjectName("dev.faultline:type=Agent");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Faultline() {}

    static MBeanServer server() throws InterruptedException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int i = 0; i < 200 && !server.isRegistered(AGENT); i++)
            Thread.sleep(50); // registered on a faultline- thread
        if (!server.isRegistered(AGENT))
            throw new IllegalStateException("no Faultline agent in this JVM: run the benchmark with -javaagent");
        return server;
    }

    static String add(String spec) throws Exception {
        return (String) server().invoke(AGENT, "add", new Object[] {spec}, new String[] {String.class.getName()});
    }

    static void remove(String id) throws Exception {
        server().invoke(AGENT, "remove", new Object[] {id}, new String[] {String.class.getName()});
    }
}
