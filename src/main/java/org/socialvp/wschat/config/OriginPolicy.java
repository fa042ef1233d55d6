package org.socialvp.wschat.config;

import java.net.URI;
import java.util.Set;

/**
 * Which pages may open a WebSocket to WSChat, judged by the handshake's {@code Origin} header.
 *
 * <p>Browsers send {@code Origin} with every WebSocket handshake and attach the visitor's cookies
 * whatever the origin, so without this check any site could open sockets in a visitor's name.
 * Allowed: requests without {@code Origin} (not from a browser page), same-origin requests (the
 * origin's {@code host[:port]} equals the request's {@code Host} header, as browsers write both),
 * and the exact origins configured in {@code wschat.allowedOrigins} ({@code *} allows all).
 */
public final class OriginPolicy {

    private final boolean allowAll;
    private final Set<String> allowed;

    public OriginPolicy(Settings settings) {
        this.allowAll = settings.allowAllOrigins();
        this.allowed = settings.allowedOrigins();
    }

    /**
     * @param origin the {@code Origin} header, or {@code null} if absent
     * @param host the {@code Host} header of the same request, or {@code null} if unknown
     */
    public boolean allows(String origin, String host) {
        if (origin == null || allowAll || allowed.contains(origin)) {
            return true;
        }
        return host != null && host.equalsIgnoreCase(authority(origin));
    }

    private static String authority(String origin) {
        try {
            return URI.create(origin).getRawAuthority();
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
