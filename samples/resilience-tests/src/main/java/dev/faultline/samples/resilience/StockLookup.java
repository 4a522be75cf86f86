package dev.faultline.samples.resilience;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The code under test of this sample: a stock count read through a Redis cache, falling back to PostgreSQL when the
 * cache cannot be reached (the question a resilience test asks: "when Redis refuses connections, does the lookup
 * still answer?").
 */
public final class StockLookup {
    public static final String TABLE = "resilience_sample_stock";

    /** Where an answer came from. */
    public enum Source {
        CACHE,
        DATABASE
    }

    public record Answer(int units, Source source) {}

    private final String redisHost;
    private final int redisPort;
    private final String jdbcUrl;
    private final Properties credentials;

    public StockLookup(String redisHost, int redisPort, String jdbcUrl, Properties credentials) {
        this.redisHost = redisHost;
        this.redisPort = redisPort;
        this.jdbcUrl = jdbcUrl;
        this.credentials = credentials;
    }

    public Answer units(String sku) throws SQLException {
        try (Jedis cache = new Jedis(redisHost, redisPort, 2_000)) {
            String cached = cache.get(key(sku));
            if (cached != null) return new Answer(Integer.parseInt(cached), Source.CACHE);
        } catch (JedisConnectionException e) {
            // the cache is down: the database still answers, only slower
        }
        try (Connection db = DriverManager.getConnection(jdbcUrl, credentials);
                PreparedStatement query = db.prepareStatement("select units from " + TABLE + " where sku = ?")) {
            query.setString(1, sku);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) throw new SQLException("no stock row for " + sku);
                return new Answer(row.getInt(1), Source.DATABASE);
            }
        }
    }

    public static String key(String sku) {
        return "resilience-sample:stock:" + sku;
    }
}
