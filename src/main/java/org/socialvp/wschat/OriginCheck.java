package org.socialvp.wschat;

import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.System.Logger.Level;
import org.socialvp.wschat.ops.WsChatLifecycle;

/**
 * The endpoint's configurator: refuses handshakes from foreign origins (HTTP 403, before the
 * upgrade) according to the {@link org.socialvp.wschat.config.OriginPolicy} of the deployment.
 */
public class OriginCheck extends ServerEndpointConfig.Configurator {

    private static final System.Logger LOG = System.getLogger(OriginCheck.class.getName());

    @Override
    public boolean checkOrigin(String origin) {
        String host = HandshakeGuard.currentHost();
        boolean allowed = WsChatLifecycle.originPolicy().allows(origin, host);
        if (!allowed) {
            WsChatLifecycle.broker().metrics().originRejected();
            LOG.log(Level.INFO, () -> "handshake refused: origin " + origin + " is not allowed for host " + host);
        }
        return allowed;
    }
}
