package dev.faultline.cli.fleet;

import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.rmi.ConnectIOException;
import java.util.concurrent.ExecutionException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanException;
import javax.management.ReflectionException;
import javax.management.RuntimeMBeanException;

/** Turns what JMX/RMI throws into the cause an operator can act on. */
public final class Causes {
    private Causes() {}

    public static String describe(Throwable t) {
        Throwable e = t;
        while ((e instanceof ExecutionException || e instanceof InvocationTargetException) && e.getCause() != null)
            e = e.getCause();
        if (e instanceof RuntimeMBeanException r && r.getCause() != null) return "refused: " + message(r.getCause());
        if (e instanceof MBeanException m && m.getCause() != null) return "refused: " + message(m.getCause());
        if (e instanceof ReflectionException r)
            return "no such operation: " + message(r.getCause() != null ? r.getCause() : r);
        if (e instanceof InstanceNotFoundException i)
            return "no " + i.getMessage() + " MBean there (an agent's port given as a sidecar's, or the other way?)";
        if (e instanceof SecurityException s) return "authentication refused: " + message(s);
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) return "connection refused (nothing listens there)";
            if (c instanceof UnknownHostException) return "unknown host " + c.getMessage();
            if (c instanceof NoRouteToHostException) return "no route to host";
            if (c instanceof SocketTimeoutException) return "connect timed out";
            if (c instanceof SecurityException) return "authentication refused: " + message(c);
            if (c instanceof ConnectIOException && c.getCause() == null)
                return "not a JMX connector there: " + message(c);
        }
        return message(e);
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank()
                ? t.getClass().getSimpleName()
                : m.lines().findFirst().orElse(m);
    }
}
