package dev.faultline.common.jmx;

import java.nio.file.Path;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.slf4j.LoggerFactory;

/** A target JVM for {@link UnixJmxTimeoutTest}: serves the ping MBean on {@code args[0]}, secret {@code args[1]}. */
public final class UnixJmxTarget {
    private UnixJmxTarget() {}

    public static void main(String[] args) throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer("dev.faultline");
        server.registerMBean(UnixJmxTest.ping(), new ObjectName("dev.faultline:type=Ping"));
        UnixJmx.serve(Path.of(args[0]), args[1], server, LoggerFactory.getLogger(UnixJmxTarget.class));
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
