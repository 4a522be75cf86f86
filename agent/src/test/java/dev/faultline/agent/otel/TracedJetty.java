package dev.faultline.agent.otel;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty 12 (ee10) in the traced service, which OpenTelemetry's Java agent instruments as a server:
 * started by the first command that asks for it, so the services that never do load no Jetty class.
 */
final class TracedJetty {
    private static ServerConnector connector;

    private TracedJetty() {}

    static synchronized int port() throws Exception {
        if (connector == null) {
            Server jetty = new Server();
            ServerConnector c = new ServerConnector(jetty);
            c.setHost("127.0.0.1");
            c.setPort(0);
            jetty.addConnector(c);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addServlet(new ServletHolder(new OkServlet()), "/*");
            jetty.setHandler(context);
            jetty.start();
            connector = c;
        }
        return connector.getLocalPort();
    }

    private static final class OkServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().write("ok");
        }
    }
}
