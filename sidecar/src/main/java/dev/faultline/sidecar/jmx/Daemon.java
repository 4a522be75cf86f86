package dev.faultline.sidecar.jmx;

import dev.faultline.common.PrometheusEndpoint;
import dev.faultline.common.jmx.ControlPlane;
import dev.faultline.common.jmx.JmxOptions;
import dev.faultline.common.jmx.RemoteJmx;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.jvmcontrol.JvmSessions;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Sidecar MBean on a remote JMX port until SIGTERM, which stops every experiment and reverts it. */
public final class Daemon {
    private static final Logger log = LoggerFactory.getLogger("faultline.daemon");

    private Daemon() {}

    public record Options(JmxOptions jmx, int metricsPort, String metricsHost) {}

    public static int run(Options o, Journal journal, Supplier<ContainerRuntime> runtime) throws Exception {
        SidecarControl control = new SidecarControl(journal, runtime);
        ControlPlane plane = new ControlPlane();
        plane.register(new StandardMBean(control, SidecarMBean.class), new ObjectName("dev.faultline:type=Sidecar"));
        RemoteJmx.Connector connector = RemoteJmx.start(o.jmx(), plane.remote(), log);
        if (o.metricsPort() > 0)
            PrometheusEndpoint.start(o.metricsHost(), o.metricsPort(), SidecarMetrics.CONFIG, "faultline-metrics");
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            int n = control.stopAll();
                            JvmSessions.closeAll(); // faults cleared: the connections and control directories go
                            log.info("action=shutdown stopped={} (their changes reverted)", n);
                            done.countDown();
                        },
                        "faultline-shutdown"));
        log.info(
                "action=daemon jmx={} bound={} auth={} metrics={} journal={} runtime=\"{}\"",
                connector.url(),
                o.jmx().bindHost(),
                connector.auth(),
                o.metricsPort() > 0 ? o.metricsHost() + ":" + o.metricsPort() : "off",
                journal.file(),
                control.getRuntime());
        System.out.println("READY jmx " + o.jmx().port());
        done.await();
        return 0;
    }
}
