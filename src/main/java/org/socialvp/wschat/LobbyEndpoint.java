package org.socialvp.wschat;

import jakarta.websocket.server.ServerEndpoint;

/** {@code ws://host/wschat/wschat}: the room {@code lobby}, as 2013 clients expect. */
@ServerEndpoint(value = LobbyEndpoint.PATH, configurator = OriginCheck.class)
public class LobbyEndpoint extends ChatEndpoint {

    static final String PATH = "/wschat";
}
