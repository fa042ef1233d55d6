package org.socialvp.wschat;

import jakarta.websocket.server.ServerEndpoint;
import org.socialvp.wschat.broker.Broker;

/** {@code ws://host/wschat/wschat/{room}}: one watch party. */
@ServerEndpoint(value = "/wschat/{room}", configurator = EndpointConfigurator.class)
public class RoomEndpoint extends ChatEndpoint {

    public RoomEndpoint(Broker broker) {
        super(broker);
    }
}
