package dev.faultline.common.jmx;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A class a hostile target puts into its {@code jmx.url}: as a connector stub's client socket factory (a real
 * stub otherwise) or anywhere else. Counts every time deserialization gets as far as running its code.
 */
final class PlantedPayload implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger READ = new AtomicInteger();

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        READ.incrementAndGet();
        return new Socket(host, port);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        READ.incrementAndGet();
        in.defaultReadObject();
    }
}
