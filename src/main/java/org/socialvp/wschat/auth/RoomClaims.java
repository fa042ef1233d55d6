package org.socialvp.wschat.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import com.nimbusds.jwt.util.DateUtils;
import java.text.Normalizer;
import java.time.Clock;
import java.util.Date;

/**
 * The claims a WSChat token must make (PROTOCOL.md §12), checked once its signature holds:
 * {@code exp} (required) and {@code nbf} (optional) within the tolerated clock skew, {@code room}
 * (required: the viewer's room, or {@code "*"}) and {@code sub} (optional: then the only name it
 * admits). Each refusal says why, in words the viewer's page may show.
 */
final class RoomClaims implements JWTClaimsSetVerifier<Viewer> {

    /** A token refused for one of its claims, with the reason. */
    static final class Refusal extends BadJWTException {

        Refusal(String reason) {
            super(reason);
        }
    }

    static final String ANY_ROOM = "*";

    private final long leewaySeconds;
    private final Clock clock;

    RoomClaims(long leewaySeconds, Clock clock) {
        this.leewaySeconds = leewaySeconds;
        this.clock = clock;
    }

    @Override
    public void verify(JWTClaimsSet claims, Viewer viewer) throws BadJWTException {
        Date now = new Date(clock.millis());
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw new Refusal("Token has no expiry (exp)");
        }
        if (!DateUtils.isAfter(expires, now, leewaySeconds)) {
            throw new Refusal("Token expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && !DateUtils.isBefore(notBefore, now, leewaySeconds)) {
            throw new Refusal("Token not valid yet");
        }
        if (!(claims.getClaim("room") instanceof String room)) {
            throw new Refusal("Token has no room");
        }
        if (!room.equals(ANY_ROOM) && !room.equals(viewer.room())) {
            throw new Refusal("Token not for this room");
        }
        String subject = claims.getSubject();
        if (subject != null && !Normalizer.normalize(subject, Normalizer.Form.NFC).equals(viewer.name())) {
            throw new Refusal("Token not for this name");
        }
    }
}
