package dev.faultline.agent.method;

import com.sun.net.httpserver.HttpServer;
import dev.faultline.agent.method.fixture.Inventory;
import dev.faultline.agent.method.fixture.PaymentDeclined;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The service the method- and process-fault tests fork (with or without the agent): one command per stdin
 * line, one answer per stdout line, {@code OK …} or {@code ERR …}. It talks to the real PostgreSQL server,
 * owns a class loaded by a class loader of its own ({@code Payments}), and says on stdout when its shutdown
 * hook runs.
 */
public final class MethodServiceApp {
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/faultline";

    private static Object payments;
    private static Method charge;
    private static Method refund;
    private static final Inventory inventory = new Inventory();
    private static HttpServer server;

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("HOOK-RAN");
            System.out.flush();
        }));
        URL classes =
                MethodServiceApp.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader own = new URLClassLoader("payments", new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        Class<?> paymentsClass = Class.forName("dev.faultline.agent.method.fixture.Payments", true, own);
        payments = paymentsClass.getConstructor().newInstance();
        charge = paymentsClass.getMethod("charge", int.class);
        refund = paymentsClass.getMethod("refund", int.class);
        charge.invoke(payments, 1);
        inventory.count();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY pid=" + ProcessHandle.current().pid());
        for (String line; (line = in.readLine()) != null; ) {
            String answer;
            try {
                answer = run(line.trim().split(" "));
            } catch (Throwable t) {
                answer = "FAIL " + t;
            }
            System.out.println(answer);
        }
    }

    private static String run(String[] w) throws Exception {
        switch (w[0]) {
            case "jdbc": { // jdbc N: N queries, alternating Statement and PreparedStatement; the ms of each
                int n = Integer.parseInt(w[1]);
                List<Long> ms = new ArrayList<>();
                try (Connection c = DriverManager.getConnection(PG_URL, "faultline", "faultline")) {
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        if (i % 2 == 0) {
                            try (Statement s = c.createStatement();
                                    ResultSet rs = s.executeQuery("select " + i)) {
                                rs.next();
                            }
                        } else {
                            try (PreparedStatement s = c.prepareStatement("select ?::int"); ) {
                                s.setInt(1, i);
                                try (ResultSet rs = s.executeQuery()) {
                                    rs.next();
                                }
                            }
                        }
                        ms.add((System.nanoTime() - t0) / 1_000_000);
                    }
                } catch (Exception e) {
                    return "ERR " + e;
                }
                return "OK " + ms.toString().replace(" ", "");
            }
            case "digests": { // digests PREFIX: current bytes of every loaded class whose name starts with PREFIX
                TreeMap<String, String> out = new TreeMap<>();
                for (Class<?> c : BytesProbe.loaded()) {
                    if (c.getName().startsWith(w[1]) && !c.isArray() && !c.isHidden() && !c.isInterface()) {
                        out.put(
                                c.getName() + "@"
                                        + (c.getClassLoader() == null
                                                ? "boot"
                                                : c.getClassLoader().getName()),
                                BytesProbe.digest(c));
                    }
                }
                return "OK " + out;
            }
            case "statements": { // the JDBC statement classes loaded now
                TreeMap<String, String> out = new TreeMap<>();
                for (Class<?> c : BytesProbe.loaded()) {
                    if (Statement.class.isAssignableFrom(c) && !c.isInterface() && !c.isArray())
                        out.put(c.getName(), BytesProbe.digest(c));
                }
                return "OK " + out;
            }
            case "charge":
            case "refund": {
                try {
                    return "OK " + (w[0].equals("charge") ? charge : refund).invoke(payments, 100);
                } catch (InvocationTargetException e) {
                    Throwable t = e.getCause();
                    boolean ownLoader =
                            t.getClass().getClassLoader() == payments.getClass().getClassLoader();
                    return "ERR " + t.getClass().getName() + " message=" + t.getMessage() + " ownLoader=" + ownLoader
                            + " systemCopy=" + (t.getClass() == PaymentDeclined.class);
                }
            }
            case "inventory": {
                long t0 = System.nanoTime();
                try {
                    int n = inventory.count();
                    return "OK count=" + n + " ms=" + (System.nanoTime() - t0) / 1_000_000;
                } catch (RuntimeException e) {
                    return "ERR " + e.getClass().getName() + " message=" + e.getMessage();
                }
            }
            case "http": { // http: a GET through the JDK HttpClient to this service's own JDK HttpServer
                if (server == null) {
                    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                    server.createContext("/", exchange -> {
                        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                        exchange.close();
                    });
                    server.start();
                }
                HttpClient client = HttpClient.newHttpClient();
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> r = client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + server.getAddress().getPort() + "/"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return "OK " + r.statusCode() + ":" + r.body() + " ms=" + (System.nanoTime() - t0) / 1_000_000;
                } catch (IOException e) {
                    return "ERR " + e.getClass().getName() + " message=" + e.getMessage() + " ms="
                            + (System.nanoTime() - t0) / 1_000_000;
                }
            }
            case "classes": // the Class objects the JVM has now (not a load counter)
                return "OK " + BytesProbe.loaded().length;
            case "echo":
                return "OK " + String.join(" ", Arrays.asList(w).subList(1, w.length));
            case "transforming": { // whether some thread is retransforming classes right now (an agent arming a rule)
                for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
                    for (StackTraceElement f : stack)
                        if (f.getMethodName().equals("retransformClasses")) return "OK retransforming";
                }
                return "OK idle";
            }
            default:
                return "ERR unknown command " + w[0];
        }
    }

    /** A manifest-only jar whose Premain-Class is {@link BytesProbe} (found on the service's class path). */
    public static String bytesProbeJar() throws Exception {
        File jar = new File(
                System.getProperty("java.io.tmpdir"),
                "faultline-bytes-probe-" + ProcessHandle.current().pid() + ".jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", BytesProbe.class.getName());
        mf.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar), mf)) {
            // the manifest is all it needs
        }
        jar.deleteOnExit();
        return jar.getAbsolutePath();
    }
}
