package dev.faultline.agent.protocol;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.AccessLog;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The service under test for the servlet hook, in a forked JVM with the built agent: an embedded Tomcat 11, an
 * embedded Jetty 12 (ee10), for {@code javax.servlet} Jetty 12's ee8 ({@link JettyEe8Probe}) and Undertow's servlet
 * container ({@link UndertowServletProbe}), each with one servlet on {@code /*} that the test JVM calls. Each container's own
 * access-log path (Tomcat's {@link AccessLog} valve, Jetty's {@code RequestLog}, both called once the response is
 * finished) records the status of every request and its client port, so the test sees what the container logged and
 * how many connections carried the requests. One command per stdin line, one answer line.
 */
public final class ServletProbeApp {
    public static void main(String[] args) throws Exception {
        ServerStats tomcatStats = new ServerStats();
        Tomcat tomcat = new Tomcat();
        Path baseDir = Files.createTempDirectory("servlet-probe");
        tomcat.setBaseDir(baseDir.toString());
        // the test ends this JVM with SIGTERM: its temporary directory goes in a shutdown hook
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(baseDir)));
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        // no cap of 100 requests per connection: the connection count shows only what the statuses did to it
        connector.setProperty("maxKeepAliveRequests", "-1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "probe", new ProbeServlet(tomcatStats));
        context.addServletMappingDecoded("/*", "probe");
        tomcat.getEngine().getPipeline().addValve(new TomcatStatusLog(tomcatStats));
        tomcat.start();

        ServerStats jettyStats = new ServerStats();
        Server jetty = new Server();
        ServerConnector jettyConnector = new ServerConnector(jetty);
        jettyConnector.setHost("127.0.0.1");
        jettyConnector.setPort(0);
        jetty.addConnector(jettyConnector);
        ServletContextHandler jettyContext = new ServletContextHandler();
        jettyContext.setContextPath("/");
        jettyContext.addServlet(new ServletHolder(new ProbeServlet(jettyStats)), "/*");
        jetty.setHandler(jettyContext);
        jetty.setRequestLog((request, response) -> jettyStats.logged(
                response.getStatus(),
                ((InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress()).getPort()));
        jetty.start();

        // the javax.servlet hook: Jetty 12's ee8 environment, a Servlet 4 container
        JettyEe8Probe ee8 = new JettyEe8Probe();
        UndertowProbe undertow = new UndertowProbe();
        UndertowServletProbe undertowServlet = new UndertowServletProbe();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY port=" + connector.getLocalPort());
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("exit")) break;
            String answer;
            try {
                answer = switch (line.trim()) {
                    case "port tomcat" -> Integer.toString(connector.getLocalPort());
                    case "port jetty" -> Integer.toString(jettyConnector.getLocalPort());
                    case "port jetty-ee8" -> Integer.toString(ee8.connector.getLocalPort());
                    case "server-stats tomcat" -> tomcatStats.take();
                    case "server-stats jetty" -> jettyStats.take();
                    case "server-stats jetty-ee8" -> ee8.stats.take();
                    case "port undertow" -> Integer.toString(undertow.port);
                    case "server-stats undertow" -> undertow.take();
                    case "port undertow-servlet" -> Integer.toString(undertowServlet.port);
                    case "server-stats undertow-servlet" -> undertowServlet.take();
                    default -> "FAIL unknown command " + line;
                };
            } catch (Throwable t) {
                answer = "FAIL " + t;
            }
            System.out.println(answer);
        }
        undertowServlet.server.stop();
        undertow.server.stop();
        ee8.server.stop();
        jetty.stop();
        tomcat.stop();
        tomcat.destroy();
        System.exit(0);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    /** The servlet: reads the request body and answers {@code ok <verb> <path>}, or its own 503 on {@code /own-503}. */
    static final class ProbeServlet extends HttpServlet {
        private final transient ServerStats stats;

        ProbeServlet(ServerStats stats) {
            this.stats = stats;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getInputStream().readAllBytes();
            stats.handled();
            if (req.getRequestURI().equals("/own-503")) resp.setStatus(503);
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().write("ok " + req.getMethod() + " " + req.getRequestURI());
        }
    }

    /** Tomcat's access-log contract: called by the connector once the response is complete. */
    private static final class TomcatStatusLog extends ValveBase implements AccessLog {
        private final ServerStats stats;

        TomcatStatusLog(ServerStats stats) {
            super(true);
            this.stats = stats;
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            getNext().invoke(request, response);
        }

        @Override
        public void log(Request request, Response response, long time) {
            stats.logged(response.getStatus(), request.getRemotePort());
        }

        @Override
        public void setRequestAttributesEnabled(boolean enabled) {}

        @Override
        public boolean getRequestAttributesEnabled() {
            return false;
        }
    }
}
