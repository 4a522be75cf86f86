package dev.faultline.sidecar.jmx;

import dev.faultline.sidecar.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;

/** Runs the Sidecar MBean on a remote JMX port until SIGTERM, which stops every experiment and reverts it. */
public final class Daemon {
    private static final Logger log = LoggerFactory.getLogger("faultline.daemon");

    private Daemon() {
    }

    public record Options(int jmxPort, String jmxHost, String advertise, String passwordFile, String accessFile, boolean ssl,
                          int metricsPort, String metricsHost) {
    }

    public static int run(Options o, Journal journal) throws Exception {
        SidecarControl control = new SidecarControl(journal);
        ManagementFactory.getPlatformMBeanServer().registerMBean(new StandardMBean(control, SidecarMBean.class), new ObjectName("dev.faultline:type=Sidecar"));
        dev.faultline.common.RemoteJmx.start(new dev.faultline.common.RemoteJmx.Options(o.jmxHost(), o.jmxPort(), o.advertise(),
                o.passwordFile(), o.accessFile(), o.ssl()), ManagementFactory.getPlatformMBeanServer());
        if (o.metricsPort() > 0) dev.faultline.common.PrometheusEndpoint.start(o.metricsHost(), o.metricsPort(), SidecarMetrics.CONFIG, "faultline-metrics");
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int n = control.stopAll();
            log.info("action=shutdown stopped={} (their changes reverted)", n);
            done.countDown();
        }, "faultline-shutdown"));
        log.info("action=daemon jmx=service:jmx:rmi:///jndi/rmi://{}:{}/jmxrmi bound={} metrics={} journal={}",
                o.advertise(), o.jmxPort(), o.jmxHost(), o.metricsPort() > 0 ? o.metricsHost() + ":" + o.metricsPort() : "off", journal.file());
        System.out.println("READY jmx " + o.jmxPort());
        done.await();
        return 0;
    }
}
