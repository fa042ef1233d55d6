package org.socialvp.wschat;

import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.System.Logger.Level;
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.ops.WsChatLifecycle;

/**
 * The endpoints' configurator: refuses handshakes from foreign origins (HTTP 403, before the
 * upgrade) by the deployment's {@link org.socialvp.wschat.config.OriginPolicy}, and creates each
 * connection's endpoint with the deployment's {@link Broker}.
 *
 * <p>The container creates configurators itself, from the class named in the annotation, so this
 * is where the running deployment is looked up ({@link WsChatLifecycle#running}, one per WAR since
 * each web application has its own class loader); the endpoints receive the broker from here.
 */
public class EndpointConfigurator extends ServerEndpointConfig.Configurator {

    private static final System.Logger LOG = System.getLogger(EndpointConfigurator.class.getName());

    @Override
    public boolean checkOrigin(String origin) {
        String host = HandshakeGuard.currentHost();
        WsChatLifecycle.Running running = WsChatLifecycle.running();
        boolean allowed = running.origins().allows(origin, host);
        if (!allowed) {
            running.broker().metrics().originRejected();
            LOG.log(Level.INFO, () -> "handshake refused: origin " + origin + " is not allowed for host " + host);
        }
        return allowed;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            return endpointClass.getConstructor(Broker.class).newInstance(WsChatLifecycle.running().broker());
        } catch (ReflectiveOperationException e) {
            InstantiationException failure = new InstantiationException(endpointClass + ": " + e);
            failure.initCause(e);
            throw failure;
        }
    }
}
