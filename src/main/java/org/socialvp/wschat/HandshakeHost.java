package org.socialvp.wschat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Makes the {@code Host} header of a WebSocket handshake visible to {@link OriginCheck}.
 *
 * <p>{@code Configurator.checkOrigin} receives only the {@code Origin} header, but "same origin"
 * means comparing it with the request's {@code Host}. Declared filters run before the container's
 * WebSocket upgrade filter (Tomcat's and Tyrus's are both mapped "after" declared ones), on the
 * same thread that then calls {@code checkOrigin}; this filter keeps the header in a thread-local
 * for exactly the duration of that call chain.
 */
public class HandshakeHost extends HttpFilter {

    private static final ThreadLocal<String> HOST = new ThreadLocal<>();

    /** The {@code Host} header of the handshake being processed on this thread, or {@code null}. */
    static String current() {
        return HOST.get();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HOST.set(request.getHeader("Host"));
        try {
            chain.doFilter(request, response);
        } finally {
            HOST.remove();
        }
    }
}
