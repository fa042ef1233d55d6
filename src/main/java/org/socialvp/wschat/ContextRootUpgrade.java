package org.socialvp.wschat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.Map;

/**
 * The 2013 address: {@code ws://host/wschat}, the WAR's context root, is the lobby.
 *
 * <p>The 2013 server served its socket at {@code /wschat}; with the WAR deployed as
 * {@code wschat.war} that is the context root, where no endpoint can be mapped (endpoint paths
 * start with {@code /} inside the context). This filter takes WebSocket handshakes for exactly
 * the context root and hands them to the container's own upgrade
 * ({@link ServerContainer#upgradeHttpToWebSocket}) as if they had asked for the lobby endpoint;
 * every other request passes through untouched. Tomcat answers a request for the bare context
 * root with a redirect before any filter runs, so the WAR's {@code META-INF/context.xml} turns
 * that redirect off. (Payara redirects it before any application code runs, with no setting to
 * stop it; there the 2013 address does not reach the WAR.)
 */
public final class ContextRootUpgrade extends HttpFilter {

    /** Tomcat upgrades with this configuration; Tyrus takes its path and upgrades to the endpoint mapped there. */
    private final transient ServerEndpointConfig lobby = ServerEndpointConfig.Builder
            .create(LobbyEndpoint.class, LobbyEndpoint.PATH)
            .configurator(new EndpointConfigurator())
            .build();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!isContextRoot(request) || !HandshakeGuard.isWebSocketHandshake(request)) {
            chain.doFilter(request, response);
            return;
        }
        ServerContainer container = (ServerContainer) getServletContext().getAttribute(ServerContainer.class.getName());
        try {
            container.upgradeHttpToWebSocket(request, response, lobby, Map.of());
        } catch (DeploymentException e) {
            throw new ServletException(e);
        }
    }

    /** {@code /wschat} or {@code /wschat/}: the request URI, since a welcome file may already be mapped to the latter. */
    private static boolean isContextRoot(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String root = request.getContextPath();
        return uri.equals(root) || uri.equals(root + "/");
    }
}
