package org.socialvp.wschat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import org.socialvp.wschat.broker.Metrics;
import org.socialvp.wschat.config.HostPolicy;

/**
 * The first look at every WebSocket handshake, before the container upgrades it: refuses a
 * {@code Host} that {@code wschat.allowedHosts} does not list (HTTP 403), and makes the
 * {@code Host} header known to the origin check ({@link EndpointConfigurator}).
 *
 * <p>{@code Configurator.checkOrigin} receives only the {@code Origin} header, but "same origin"
 * means comparing it with the request's {@code Host}. Filters of the WAR run before the
 * container's WebSocket upgrade filter (Tomcat's and Tyrus's are both mapped "after" the
 * application's), on the same thread that then calls {@code checkOrigin}; this filter keeps the
 * header in a thread-local for exactly the duration of that call chain.
 */
public final class HandshakeGuard extends HttpFilter {

    private static final System.Logger LOG = System.getLogger(HandshakeGuard.class.getName());
    private static final ThreadLocal<String> HOST = new ThreadLocal<>();

    private final transient HostPolicy hosts;
    private final transient Metrics metrics;

    public HandshakeGuard(HostPolicy hosts, Metrics metrics) {
        this.hosts = hosts;
        this.metrics = metrics;
    }

    /** The {@code Host} header of the handshake being processed on this thread, or {@code null}. */
    static String currentHost() {
        return HOST.get();
    }

    /** Whether {@code request} asks to become a WebSocket. */
    static boolean isWebSocketHandshake(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return "GET".equals(request.getMethod()) && upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!isWebSocketHandshake(request)) {
            chain.doFilter(request, response);
            return;
        }
        String host = request.getHeader("Host");
        if (!hosts.allows(host)) {
            metrics.hostRejected();
            LOG.log(Level.INFO, () -> "handshake refused: host " + host + " is not in wschat.allowedHosts");
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        HOST.set(host);
        try {
            chain.doFilter(request, response);
        } finally {
            HOST.remove();
        }
    }
}
