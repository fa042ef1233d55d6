package org.socialvp.wschat.broker;

import jakarta.websocket.DecodeException;
import java.lang.System.Logger.Level;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Command;
import org.socialvp.wschat.protocol.CommandDecoder;
import org.socialvp.wschat.protocol.Disconnect;
import org.socialvp.wschat.protocol.Event;
import org.socialvp.wschat.protocol.OutcomeCode;

/**
 * What clients send, up to the command rules: message parts assembled (within
 * {@code wschat.maxMessageBytes}), flood control, decoding. Runs on each connection's read thread.
 *
 * <p>The container delivers text in parts so that its per-connection buffer can stay small; this
 * is why the broker drives {@link CommandDecoder} itself rather than registering it with the
 * container, which would hand it only whole messages.
 */
final class Inbound {

    private static final System.Logger LOG = System.getLogger(Inbound.class.getName());

    private final Settings settings;
    private final CommandDecoder decoder;
    private final Frames frames;
    private final Delivery delivery;
    private final Commands commands;
    private final Departures departures;
    private final Metrics metrics;

    Inbound(Settings settings, CommandDecoder decoder, Frames frames, Delivery delivery, Commands commands,
            Departures departures, Metrics metrics) {
        this.settings = settings;
        this.decoder = decoder;
        this.frames = frames;
        this.delivery = delivery;
        this.commands = commands;
        this.departures = departures;
        this.metrics = metrics;
    }

    /** One part of a text message from {@code client}; the command runs once the last part is in. */
    void receive(Client client, String part, boolean last) {
        if (client.isGone()) {
            return;
        }
        String text;
        try {
            text = client.collect(part, last, settings.maxMessageBytes());
        } catch (Client.MessageTooBigException e) {
            departures.close(client, Disconnect.TOO_BIG);
            return;
        }
        if (text == null) {
            return;
        }
        metrics.messagesIn.increment();
        switch (client.admit(System.nanoTime(), text)) {
            case TOO_MANY_MESSAGES:
                rateLimited(client, frames.outcome(OutcomeCode.TOO_MANY_MESSAGES));
                return;
            case TOO_MANY_BYTES:
                rateLimited(client, frames.tooManyBytes());
                return;
            case FLOODING:
                departures.close(client, Disconnect.FLOODING);
                return;
            default:
                break;
        }
        Command command;
        try {
            command = decoder.decode(text);
        } catch (DecodeException e) {
            delivery.to(client, frames.encode(Event.Outcome.of(OutcomeCode.BAD_REQUEST, e.getMessage())));
            return;
        }
        commands.handle(client, command);
    }

    /** A binary frame: the protocol is text only. */
    void binary(Client client) {
        if (!client.isGone()) {
            departures.close(client, Disconnect.BINARY_FRAME);
        }
    }

    private void rateLimited(Client client, Frame.Encoded answer) {
        metrics.rateLimited.increment();
        LOG.log(Level.DEBUG, () -> client + " rate limited");
        delivery.to(client, answer);
    }
}
