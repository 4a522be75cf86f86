package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faultline.junit.ArmedFault;
import dev.faultline.junit.FaultlineExtension;
import dev.faultline.junit.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import redis.clients.jedis.Jedis;

/** Faults armed in the body, with {@code limit=}: injected exactly that often, and the handle says so. */
@ExtendWith(FaultlineExtension.class)
@ResourceLock(FaultlineExtension.LOCK) // lets JUnit's scheduler keep it apart from other fault tests
class ReadLatencyLimitTest {
    @Test
    void aLimitOfThreeInjectsThreeTimes(Faults faults) {
        try (Jedis redis = Servers.redis()) {
            redis.ping(); // connected before the fault: only the replies' reads match
            ArmedFault slow = faults.arm("latency on=read port=" + Servers.redisPort() + " delay=20ms limit=3");
            for (int i = 0; i < 10; i++) assertEquals("PONG", redis.ping());
            assertEquals(3, slow.injected());
        }
    }
}
