package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.junit.Fault;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A class-level fault: armed before each test of the class, removed after each. */
@Fault("error on=connect port=5432 message=postgres-refused-by-test")
class DatabaseConnectFaultTest {
    @BeforeAll
    static void rows() throws SQLException {
        // @BeforeAll runs outside the tests' faults: the database is reachable here
        Servers.stock("sku-cached", 3, true);
        Servers.stock("sku-uncached", 4, false);
    }

    @Test
    void theJdbcDriverCannotConnect() {
        SQLException e = assertThrows(SQLException.class, Servers::postgres);
        assertTrue(Servers.causedBy(e, ConnectException.class, "postgres-refused-by-test"), e.toString());
    }

    @Test
    void aCachedAnswerNeedsNoDatabaseAndAnUncachedOneFails() throws SQLException {
        assertEquals(
                new StockLookup.Answer(3, StockLookup.Source.CACHE),
                Servers.lookup().units("sku-cached"));
        SQLException e = assertThrows(SQLException.class, () -> Servers.lookup().units("sku-uncached"));
        assertTrue(Servers.causedBy(e, ConnectException.class, "postgres-refused-by-test"), e.toString());
    }
}
