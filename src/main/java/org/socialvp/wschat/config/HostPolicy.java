package org.socialvp.wschat.config;

import java.util.Locale;
import java.util.Set;

/**
 * Which {@code Host} a WebSocket handshake may name ({@code wschat.allowedHosts}).
 *
 * <p>The origin check compares a page's {@code Origin} with the request's {@code Host}. A page on
 * another site can make both name that site: it points its own DNS name at this server's address
 * (DNS rebinding), and the browser then sends {@code Host: evil.example} with
 * {@code Origin: http://evil.example}, which looks same-origin. A server on a private network,
 * reachable by the visitors' browsers but not meant for other sites, lists the names it is really
 * served under; any other {@code Host} is refused. Empty (the default): any host.
 */
public final class HostPolicy {

    private final Set<String> allowed;

    public HostPolicy(Settings settings) {
        this.allowed = settings.allowedHosts();
    }

    /** @param host the {@code Host} header as sent ({@code name} or {@code name:port}), or {@code null} */
    public boolean allows(String host) {
        if (allowed.isEmpty()) {
            return true;
        }
        return host != null && allowed.contains(withoutPort(host).toLowerCase(Locale.ROOT));
    }

    /** {@code svp.example:8080} → {@code svp.example}; {@code [::1]:8080} → {@code [::1]}. */
    static String withoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
