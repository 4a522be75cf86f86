package dev.faultline.agent.bootstrap;

import java.util.Locale;

/** Where a fault is injected ({@code on=}). */
public enum Hook {
    CONNECT,
    READ,
    WRITE,
    DNS,
    METHOD,
    HTTP_SERVER,
    HTTP_CLIENT,
    GRPC_SERVER,
    GRPC_CLIENT;

    /** The word after {@code on=}: {@code http-server} for HTTP_SERVER. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The word after {@code on=} back to its hook; null if there is none. */
    public static Hook ofWord(String word) {
        for (Hook h : values()) {
            if (h.word().equalsIgnoreCase(word)) return h;
        }
        return null;
    }

    /** The TCP and name-resolution hooks (NetworkFaults). */
    public boolean isNetwork() {
        return this == CONNECT || this == READ || this == WRITE || this == DNS;
    }

    /** Requests and calls of a protocol: HTTP or gRPC, server or client side. */
    public boolean isProtocol() {
        return isHttp() || isGrpc();
    }

    public boolean isHttp() {
        return this == HTTP_SERVER || this == HTTP_CLIENT;
    }

    public boolean isGrpc() {
        return this == GRPC_SERVER || this == GRPC_CLIENT;
    }

    public boolean isClient() {
        return this == HTTP_CLIENT || this == GRPC_CLIENT;
    }
}
