package dev.faultline.samples.resilience;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import redis.clients.jedis.Jedis;

/** The real Redis and PostgreSQL of the build machine (.ci/services.sh), as the pom names them. */
final class Servers {
    static final String HOST = "127.0.0.1";
    /** Literal in the specs of @Fault (annotation values are constants); the pom passes the same number. */
    static final int REDIS_PORT = 6379;

    static final int POSTGRES_PORT = 5432;

    private Servers() {}

    static int redisPort() {
        int port = Integer.parseInt(System.getProperty("redis.port", String.valueOf(REDIS_PORT)));
        if (port != REDIS_PORT) throw new IllegalStateException("the @Fault specs name port " + REDIS_PORT);
        return port;
    }

    static String postgresUrl() {
        return System.getProperty("postgres.url", "jdbc:postgresql://127.0.0.1:5432/faultline");
    }

    static Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", "faultline");
        p.setProperty("password", "faultline");
        p.setProperty("connectTimeout", "5");
        return p;
    }

    static Jedis redis() {
        return new Jedis(HOST, redisPort(), 2_000);
    }

    static Connection postgres() throws SQLException {
        return DriverManager.getConnection(postgresUrl(), credentials());
    }

    static StockLookup lookup() {
        return new StockLookup(HOST, redisPort(), postgresUrl(), credentials());
    }

    /** One row in the database, and the cache as the test wants it. */
    static void stock(String sku, int units, boolean cached) throws SQLException {
        try (Connection db = postgres();
                Statement s = db.createStatement()) {
            s.execute(
                    "create table if not exists " + StockLookup.TABLE + " (sku text primary key, units int not null)");
            s.execute("insert into " + StockLookup.TABLE + " values ('" + sku + "', " + units
                    + ") on conflict (sku) do update set units = excluded.units");
        }
        try (Jedis cache = redis()) {
            if (cached) cache.set(StockLookup.key(sku), String.valueOf(units));
            else cache.del(StockLookup.key(sku));
        }
    }

    /**
     * Whether {@code t}, a cause or a suppressed exception of it (Jedis adds each address's failure as suppressed) is a
     * {@code type} whose message contains {@code text}.
     */
    static boolean causedBy(Throwable t, Class<? extends Throwable> type, String text) {
        if (t == null) return false;
        if (type.isInstance(t) && String.valueOf(t.getMessage()).contains(text)) return true;
        for (Throwable s : t.getSuppressed()) if (causedBy(s, type, text)) return true;
        return t.getCause() != t && causedBy(t.getCause(), type, text);
    }
}
