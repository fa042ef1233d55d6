package org.socialvp.wschat;

import jakarta.websocket.server.ServerEndpoint;

/** {@code ws://host/wschat/wschat/{room}}: one watch party. */
@ServerEndpoint(value = "/wschat/{room}", configurator = OriginCheck.class)
public class RoomEndpoint extends ChatEndpoint {
}
