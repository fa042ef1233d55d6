package org.socialvp.wschat.broker;

import java.lang.System.Logger.Level;
import java.util.Optional;
import org.socialvp.wschat.auth.TokenVerifier;
import org.socialvp.wschat.protocol.Command;
import org.socialvp.wschat.protocol.Disconnect;
import org.socialvp.wschat.protocol.Event;
import org.socialvp.wschat.protocol.OutcomeCode;

/**
 * Private rooms (PROTOCOL.md §12): when the site vouches for its viewers, a name is taken only
 * with a token that admits it to the room. A refusal is answered 401 saying why and logged (the
 * reason and the room, never the token); the third on one connection closes it with 1008
 * {@code unauthorized}. Without a token setting every name is admitted, as before.
 */
final class TokenGate {

    private static final System.Logger LOG = System.getLogger(TokenGate.class.getName());
    /** Refused identifies one connection may make; the last of them closes it. */
    static final int REFUSALS_ALLOWED = 3;

    private final TokenVerifier verifier;
    private final Frames frames;
    private final Delivery delivery;
    private final Departures departures;
    private final Metrics metrics;

    /** @param verifier the token check, or empty when tokens are off */
    TokenGate(Optional<TokenVerifier> verifier, Frames frames, Delivery delivery, Departures departures,
            Metrics metrics) {
        this.verifier = verifier.orElse(null);
        this.frames = frames;
        this.delivery = delivery;
        this.departures = departures;
        this.metrics = metrics;
    }

    /**
     * Whether {@code identify} may take its name in {@code client}'s room; if not, the client has
     * been answered (or closed).
     */
    boolean admits(Client client, Command.Identify identify) {
        if (verifier == null) {
            return true;
        }
        String room = client.room().name();
        Optional<String> refusal = verifier.refusal(identify.token(), room, identify.name());
        if (refusal.isEmpty()) {
            return true;
        }
        String why = refusal.get();
        LOG.log(Level.INFO, () -> client + " token refused: " + why);
        metrics.tokensRefused.increment();
        delivery.to(client, frames.encode(Event.Outcome.of(OutcomeCode.UNAUTHORIZED, why)));
        if (client.tokenRefused() >= REFUSALS_ALLOWED) {
            departures.close(client, Disconnect.UNAUTHORIZED);
        }
        return false;
    }
}
