package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.junit.Fault;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** "When Redis refuses connections, does the lookup degrade to the database?" — and the next test sees no fault. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisConnectFaultTest {
    @BeforeAll
    static void rows() throws SQLException {
        Servers.stock("sku-1", 7, true); // outside the tests' faults: Redis is reachable here
    }

    @Test
    @Order(1)
    @Fault("error on=connect port=6379 message=redis-refused-by-test")
    void whenRedisRefusesConnectionsTheDatabaseAnswers() throws Exception {
        JedisConnectionException refused = assertThrows(JedisConnectionException.class, () -> {
            try (Jedis redis = Servers.redis()) {
                redis.ping();
            }
        });
        assertTrue(
                Servers.causedBy(refused, ConnectException.class, "redis-refused-by-test"),
                "the real client's connect failed with the injected ConnectException: " + refused);
        assertEquals(
                new StockLookup.Answer(7, StockLookup.Source.DATABASE),
                Servers.lookup().units("sku-1"));
    }

    @Test
    @Order(2)
    void theNextTestConnects() throws Exception {
        try (Jedis redis = Servers.redis()) {
            assertEquals("PONG", redis.ping());
        }
        Servers.stock("sku-1", 7, true);
        assertEquals(
                new StockLookup.Answer(7, StockLookup.Source.CACHE),
                Servers.lookup().units("sku-1"));
    }
}
