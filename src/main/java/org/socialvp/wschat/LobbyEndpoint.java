package org.socialvp.wschat;

import jakarta.websocket.server.ServerEndpoint;
import org.socialvp.wschat.broker.Broker;

/** {@code ws://host/wschat/wschat}: the room {@code lobby}, as 2013 clients expect. */
@ServerEndpoint(value = LobbyEndpoint.PATH, configurator = EndpointConfigurator.class)
public class LobbyEndpoint extends ChatEndpoint {

    static final String PATH = "/wschat";

    public LobbyEndpoint(Broker broker) {
        super(broker);
    }
}
