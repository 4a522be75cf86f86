package dev.faultline.agent.protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee8.servlet.ServletContextHandler;
import org.eclipse.jetty.ee8.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@link ServletProbeApp}'s {@code javax.servlet} (Servlet 4) container: Jetty 12's ee8 environment, on the same
 * Jetty core as the ee10 one, with the same servlet answers and the same access log (Jetty's {@code RequestLog}).
 * Its own file: its servlet types share their simple names with the Jakarta ones.
 */
final class JettyEe8Probe {
    final Server server = new Server();
    final ServerConnector connector = new ServerConnector(server);
    final ServerStats stats = new ServerStats();

    JettyEe8Probe() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ProbeServlet(stats)), "/*");
        server.setHandler(context.get());
        server.setRequestLog((request, response) -> stats.logged(
                response.getStatus(),
                ((InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress()).getPort()));
        server.start();
    }

    /** {@code ok <verb> <path>}, or its own 503 on {@code /own-503}, as the Jakarta probe servlet. */
    private static final class ProbeServlet extends HttpServlet {
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
}
