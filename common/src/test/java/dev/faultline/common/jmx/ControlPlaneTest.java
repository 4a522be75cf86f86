package dev.faultline.common.jmx;

import org.junit.jupiter.api.Test;

import javax.management.InstanceAlreadyExistsException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** A lazy plane with real in-process MBean servers: what it holds, where, made when, and in which key order. */
class ControlPlaneTest {
    public interface PingMBean {
        int getPings();
    }

    static StandardMBean ping(AtomicInteger made) {
        made.incrementAndGet();
        try {
            return new StandardMBean((PingMBean) () -> 7, PingMBean.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLazyPlaneMakesNothingUntilAServerHoldsItThenServesBothWithOneInstance() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ControlPlane plane = ControlPlane.lazy();
        plane.register("dev.faultline:type=Action,name=latency", () -> ping(made));
        assertEquals(0, made.get(), "no server yet, no MBean made");
        assertFalse(plane.inPlatform());

        MBeanServer remote = plane.remote();
        assertSame(remote, plane.remote(), "one server for the remote connector");
        assertEquals(1, made.get());
        ObjectName registered = remote.queryNames(new ObjectName("dev.faultline:*"), null).iterator().next();
        assertEquals("type=Action,name=latency", registered.getKeyPropertyListString(), "the keys in the order given (exporters' patterns match it)");
        assertEquals(7, remote.getAttribute(registered, "Pings"));

        MBeanServer platform = MBeanServerFactory.newMBeanServer(); // stands in for the platform server (the JVM has one only)
        plane.platformAppeared(platform);
        plane.platformAppeared(MBeanServerFactory.newMBeanServer()); // a second call changes nothing
        assertTrue(plane.inPlatform());
        assertEquals(1, made.get(), "the same instance in both");
        assertEquals(7, platform.getAttribute(registered, "Pings"));

        plane.register("dev.faultline:type=Fault,id=f1", () -> ping(made));
        assertTrue(platform.isRegistered(new ObjectName("dev.faultline:type=Fault,id=f1")) && remote.isRegistered(new ObjectName("dev.faultline:type=Fault,id=f1")));
        plane.unregister("dev.faultline:id=f1,type=Fault"); // any key order names the same MBean
        assertFalse(platform.isRegistered(new ObjectName("dev.faultline:type=Fault,id=f1")) || remote.isRegistered(new ObjectName("dev.faultline:type=Fault,id=f1")));
    }

    @Test
    void badRegistrationsAreRefusedAndChangeNothing() throws Exception {
        ControlPlane plane = ControlPlane.lazy();
        MBeanServer remote = plane.remote();
        AtomicInteger made = new AtomicInteger();
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> plane.register("java.lang:type=Memory", () -> ping(made)));
        assertTrue(other.getMessage().contains("is not in dev.faultline"), other.getMessage());
        plane.register("dev.faultline:type=Agent", () -> ping(made));
        assertThrows(InstanceAlreadyExistsException.class, () -> plane.register("dev.faultline:type=Agent", () -> ping(made)));
        assertEquals(1, remote.queryNames(new ObjectName("dev.faultline:*"), null).size());
        assertEquals(1, made.get(), "the refused one was never made");
    }
}
