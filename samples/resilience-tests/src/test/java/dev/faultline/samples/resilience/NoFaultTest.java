package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The lookup with nothing armed: the plugin's agent is on the line and must change nothing (and cost little). */
class NoFaultTest {
    @Test
    void aCachedSkuComesFromTheCacheAnUncachedOneFromTheDatabase() throws SQLException {
        Servers.stock("sku-plain-cached", 11, true);
        Servers.stock("sku-plain-db", 12, false);
        StockLookup lookup = Servers.lookup();
        for (int i = 0; i < 5; i++) {
            assertEquals(new StockLookup.Answer(11, StockLookup.Source.CACHE), lookup.units("sku-plain-cached"));
            assertEquals(new StockLookup.Answer(12, StockLookup.Source.DATABASE), lookup.units("sku-plain-db"));
        }
    }
}
