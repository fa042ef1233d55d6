package org.socialvp.wschat.auth;

import com.nimbusds.jose.proc.SecurityContext;

/** Who presents a token: the room it connected to and the name it asks for. */
record Viewer(String room, String name) implements SecurityContext {
}
