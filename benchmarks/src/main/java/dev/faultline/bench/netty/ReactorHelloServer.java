package dev.faultline.bench.netty;

import io.netty.channel.epoll.Epoll;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Whole process: a Reactor Netty HTTP server answering "hello" on {@code GET /}, for wrk. Reactor Netty prefers a
 * native transport: with only the epoll library on the class path (no io_uring) that is epoll, checked here.
 * Usage: {@code ReactorHelloServer <port>} (0: a free one); prints {@code READY <port> transport=epoll} once bound.
 */
public final class ReactorHelloServer {
    private ReactorHelloServer() {}

    public static void main(String[] args) {
        if (!Epoll.isAvailable())
            throw new IllegalStateException("epoll is not available", Epoll.unavailabilityCause());
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(Integer.parseInt(args[0]))
                .route(routes -> routes.get("/", (request, response) -> response.sendString(Mono.just("hello\n"))))
                .bindNow();
        String transport = server.channel().getClass().getSimpleName();
        if (!transport.startsWith("Epoll"))
            throw new IllegalStateException("Reactor Netty bound " + transport + ", not an epoll channel");
        System.out.println("READY " + server.port() + " transport=epoll");
        server.onDispose().block();
    }
}
