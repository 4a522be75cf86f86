package dev.faultline.common.jmx;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.management.InstanceAlreadyExistsException;
import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.junit.jupiter.api.Test;

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
        ObjectName registered = remote.queryNames(new ObjectName("dev.faultline:*"), null)
                .iterator()
                .next();
        assertEquals(
                "type=Action,name=latency",
                registered.getKeyPropertyListString(),
                "the keys in the order given (exporters' patterns match it)");
        assertEquals(7, remote.getAttribute(registered, "Pings"));

        MBeanServer platform =
                MBeanServerFactory.newMBeanServer(); // stands in for the platform server (the JVM has one only)
        plane.platformAppeared(platform);
        plane.platformAppeared(MBeanServerFactory.newMBeanServer()); // a second call changes nothing
        assertTrue(plane.inPlatform());
        assertEquals(1, made.get(), "the same instance in both");
        assertEquals(7, platform.getAttribute(registered, "Pings"));

        plane.register("dev.faultline:type=Fault,id=f1", () -> ping(made));
        assertTrue(platform.isRegistered(new ObjectName("dev.faultline:type=Fault,id=f1"))
                && remote.isRegistered(new ObjectName("dev.faultline:type=Fault,id=f1")));
        plane.unregister("dev.faultline:id=f1,type=Fault"); // any key order names the same MBean
        assertFalse(platform.isRegistered(new ObjectName("dev.faultline:type=Fault,id=f1"))
                || remote.isRegistered(new ObjectName("dev.faultline:type=Fault,id=f1")));
    }

    @Test
    void badRegistrationsAreRefusedAndChangeNothing() throws Exception {
        ControlPlane plane = ControlPlane.lazy();
        MBeanServer remote = plane.remote();
        AtomicInteger made = new AtomicInteger();
        IllegalArgumentException other = assertThrows(
                IllegalArgumentException.class, () -> plane.register("java.lang:type=Memory", () -> ping(made)));
        assertTrue(other.getMessage().contains("is not in dev.faultline"), other.getMessage());
        plane.register("dev.faultline:type=Agent", () -> ping(made));
        assertThrows(
                InstanceAlreadyExistsException.class,
                () -> plane.register("dev.faultline:type=Agent", () -> ping(made)));
        assertEquals(
                1, remote.queryNames(new ObjectName("dev.faultline:*"), null).size());
        assertEquals(1, made.get(), "the refused one was never made");
    }

    /**
     * The platform server being made (JMX holds its builder's lock and calls platformAppeared from inside) while
     * another thread asks for the remote server (which JMX also makes under that lock): both finish. The builder
     * below stands in for the agent's platform-server watch and waits until the other thread is in remote().
     */
    @Test
    void thePlatformServersCreationAndTheRemoteServersDoNotDeadlock() throws Exception {
        ControlPlane plane = ControlPlane.lazy();
        plane.register("dev.faultline:type=Agent", () -> ping(new AtomicInteger()));
        CountDownLatch inCreation = new CountDownLatch(1);
        WatchingBuilder.onCreate = server -> {
            inCreation.countDown();
            sleepQuietly(300); // the other thread is in remote() by now, waiting for the builder's lock
            plane.platformAppeared(server);
        };
        String was = System.getProperty("javax.management.builder.initial");
        System.setProperty("javax.management.builder.initial", WatchingBuilder.class.getName());
        try {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<MBeanServer> platform = pool.submit(() -> MBeanServerFactory.newMBeanServer("platform-like"));
            Future<MBeanServer> remote = pool.submit(() -> {
                inCreation.await();
                return plane.remote();
            });
            try {
                MBeanServer p = platform.get(10, TimeUnit.SECONDS);
                MBeanServer r = remote.get(10, TimeUnit.SECONDS);
                assertTrue(plane.inPlatform());
                assertTrue(p.isRegistered(new ObjectName("dev.faultline:type=Agent")));
                assertTrue(r.isRegistered(new ObjectName("dev.faultline:type=Agent")));
            } catch (TimeoutException deadlock) {
                fail("deadlock: the platform server's creation and remote() wait for each other");
            } finally {
                pool.shutdownNow();
            }
        } finally {
            WatchingBuilder.onCreate = null;
            if (was == null) System.clearProperty("javax.management.builder.initial");
            else System.setProperty("javax.management.builder.initial", was);
        }
    }

    /** Calls onCreate for the server named "platform-like" from inside its creation, as the agent's watch does. */
    public static final class WatchingBuilder extends MBeanServerBuilder {
        static volatile Consumer<MBeanServer> onCreate;

        @Override
        public MBeanServer newMBeanServer(String domain, MBeanServer outer, MBeanServerDelegate delegate) {
            MBeanServer s = super.newMBeanServer(domain, outer, delegate);
            Consumer<MBeanServer> c = onCreate;
            if (c != null && "platform-like".equals(domain)) c.accept(s);
            return s;
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
