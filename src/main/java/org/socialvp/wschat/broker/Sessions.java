package org.socialvp.wschat.broker;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Event;

/**
 * Resumable sessions (PROTOCOL.md §9): opened by an identify with {@code "resume":true},
 * suspended when a connection ends without the client's own close, resumed by a new connection of
 * the same room, ended by the client's close, a policy close, a refused resume, the end of
 * {@code wschat.resumeSeconds} or a full buffer while away.
 *
 * <p>While a session is suspended its viewer still holds the name in the room (305 for anyone
 * else, shown by {@code list}), the room keeps it as a member (the room, and what lives with it,
 * stays), nobody hears it leave, and frames for it are numbered and kept.
 */
final class Sessions {

    private static final System.Logger LOG = System.getLogger(Sessions.class.getName());
    /** 128 random bits: the token is the only proof of being the session's client. */
    private static final int TOKEN_BYTES = 16;
    /** How often a resume follows a name the old connection gives up as it renames (once per identify it sends). */
    private static final int MOVE_TRIES = 3;

    private final Settings settings;
    private final Registry registry;
    private final Presence presence;
    private final Frames frames;
    private final Metrics metrics;
    private final ConcurrentHashMap<String, Session> byToken = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final long window;

    Sessions(Settings settings, Registry registry, Presence presence, Frames frames, Metrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.registry = registry;
        this.presence = presence;
        this.frames = frames;
        this.window = TimeUnit.SECONDS.toNanos(settings.resumeSeconds());
    }

    /** Whether viewers may have sessions ({@code wschat.resumeSeconds} above 0). */
    boolean enabled() {
        return settings.resumable();
    }

    /** Opens a session for {@code client}, just identified; the 300 that says so is the caller's to send. */
    Session open(Client client) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        Session session = new Session(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), client,
                settings.resumeBufferBytes(), self -> ended(self, true, "more than wschat.resumeBufferBytes kept while away"));
        byToken.put(session.token(), session);
        attach(client, session);
        return session;
    }

    /** The 300 that opens {@code session}. */
    Frame.Encoded opened(Session session) {
        return frames.encode(Event.Outcome.sessionOpened(session.token(), settings.resumeSeconds()));
    }

    /** What became of a resume. */
    sealed interface Resumption permits Resumed, Refused {
    }

    /** Resumed; {@code stillOpen} is the connection the session was on, if it is still open (to be closed). */
    record Resumed(Client stillOpen) implements Resumption {
    }

    /**
     * Refused (410); {@code holder} is the still-open connection of the session, which must now be
     * closed so that the session ends and its name is free, or {@code null}.
     */
    record Refused(Client holder) implements Resumption {
    }

    /**
     * {@code client}, a new connection not yet identified, resumes the session {@code token}
     * after frame {@code last}: the 301 and every frame it missed are queued on it, then live ones.
     * Refused when there is no such session, it belongs to another room, {@code last} was never
     * sent or a frame after it is no longer kept; a suspended session then ends at once.
     */
    Resumption resume(Client client, String token, long last) {
        Resumption result = resumeOrRefuse(client, token, last);
        (result instanceof Resumed ? metrics.resumed : metrics.resumesRefused).increment();
        return result;
    }

    private Resumption resumeOrRefuse(Client client, String token, long last) {
        Session session = byToken.get(token);
        if (session == null) {
            return new Refused(null);
        }
        Client held = session.client();
        if (held.room() != client.room()) {
            return refuse(session);
        }
        client.batchedPresence(held.batchedPresence());
        attach(client, session);
        Room room = client.room();
        // A live old connection may be renaming on its own read thread: the name looked up may be
        // given up before the move. Then the move is tried again under the name it holds now.
        String name;
        Session.Moved moved;
        int tries = 0;
        do {
            name = held.name();
            moved = move(session, held, client, name, last);
        } while (moved == null && ++tries < MOVE_TRIES && !name.equals(held.name()));
        if (moved == null) {
            client.session(null);
            client.name(null);
            return refuse(session);
        }
        client.outbox().pump();
        // A rename on the old connection may have claimed this name and not announced it yet: the
        // name moved here, so its join goes out from here (nothing, if it went out already).
        presence.joined(client, name, false);
        LOG.log(Level.DEBUG, () -> client + " resumed the session of " + held + " after frame " + last);
        if (moved.wasSuspended()) {
            registry.rooms().leave(room); // the place the suspended session held
            return new Resumed(null);
        }
        return new Resumed(held);
    }

    /**
     * Moves {@code session} and its {@code name} from {@code held} to {@code client} together,
     * ordered against every claim and release of the room: a departure of the old connection
     * either comes first (and the session is suspended or over) or finds that it holds neither any
     * more. {@code null} if {@code held} no longer holds {@code name} or the session cannot go on
     * after frame {@code last}.
     */
    private Session.Moved move(Session session, Client held, Client client, String name, long last) {
        client.name(name);
        Frame.Encoded answer = frames.encode(Event.Outcome.resumed(name, session.token(), settings.resumeSeconds()));
        Room room = client.room();
        AtomicReference<Session.Moved> moved = new AtomicReference<>();
        room.whileHolding(name, held, () -> {
            moved.set(session.resume(held, client, last, answer));
            if (moved.get() != null) {
                room.handOver(name, held, client);
                room.presence().moved(held, client);
            }
        });
        return moved.get();
    }

    /** {@code client}'s connection carries {@code session}: its pings and pongs trim the session's stream. */
    private static void attach(Client client, Session session) {
        client.session(session);
        client.outbox().watchPings(lastWritten -> session.pinged(client, lastWritten));
    }

    private Refused refuse(Session session) {
        if (session.endIfSuspended()) {
            ended(session, true, "a resume was refused");
            return new Refused(null);
        }
        Client holder = session.client();
        return new Refused(holder.isGone() ? null : holder); // an ended session's connection may be gone already
    }

    /**
     * The connection of {@code client} ended without the client's own close: its session, if it
     * has a live one, is suspended; {@code true} if so (the viewer stays, the caller only lets the
     * connection go).
     */
    boolean suspend(Client client) {
        Session session = client.session();
        return session != null && settings.resumable() && session.suspend(client, System.nanoTime());
    }

    /**
     * {@code client}'s connection is over for good: its session ends if it is live there.
     *
     * @return whether a name the connection holds is its own to release: unless the session waits
     *         for a resume from it. A session that moved to another connection took its name with
     *         it (the connection no longer holds that one), and one ended elsewhere released it; a
     *         name the connection claimed after that — a rename on its own read thread — is its own.
     */
    boolean forget(Client client) {
        Session session = client.session();
        if (session == null) {
            return true;
        }
        if (session.endLiveOn(client)) {
            byToken.remove(session.token());
            return true;
        }
        return !session.suspendedFrom(client);
    }

    /** Once a second: sessions away for longer than {@code wschat.resumeSeconds} end, their names released. */
    void expire(long now) {
        for (Session session : byToken.values()) {
            if (session.endIfExpired(now, window)) {
                ended(session, true, "not resumed within wschat.resumeSeconds");
            }
        }
    }

    /** Ends a session, live or suspended: name released, {@code quit} sent, its place in the room given up if it was away. */
    void end(Session session, String why) {
        Session.State was = session.end();
        if (was != Session.State.ENDED) {
            ended(session, was == Session.State.SUSPENDED, why);
        }
    }

    /**
     * What follows the end of {@code session}, once this thread has marked it ended: name released,
     * {@code quit} sent and, if it was {@code away} (suspended), the place in the room it kept given up.
     */
    private void ended(Session session, boolean away, String why) {
        byToken.remove(session.token());
        Client held = session.client();
        LOG.log(Level.DEBUG, () -> held + " session ended: " + why);
        String name = held.name();
        if (name != null) {
            presence.left(held, name);
        }
        if (away) {
            registry.rooms().leave(held.room());
        }
    }
}
