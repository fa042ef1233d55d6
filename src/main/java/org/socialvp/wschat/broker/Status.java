package org.socialvp.wschat.broker;

import java.util.Map;

/**
 * The broker's figures at one moment: counts only, never names or payloads. This record is the
 * one list of the figures: {@code /wschat/status}, the {@code wschat:type=Broker} MBean and the
 * tests all derive theirs from its components, in this order.
 *
 * @param connections open WebSocket connections
 * @param identified connections that hold a name
 * @param rooms rooms with at least one connection
 * @param messagesIn text messages received from clients
 * @param messagesOut frames queued for delivery to clients (every frame the server sends)
 * @param slowConsumerCloses clients closed with 1013 because their outbox overflowed
 * @param rateLimited frames answered 429 and dropped
 * @param rejectedOrigins handshakes refused with 403 for their {@code Origin}
 * @param rejectedHosts handshakes refused with 403 for their {@code Host}
 * @param uptimeSeconds seconds since the broker started
 * @param cluster {@code single} (no Redis configured), {@code connected} or {@code disconnected}
 * @param largestRooms connections of the ten largest rooms, largest first
 */
public record Status(
        int connections,
        int identified,
        int rooms,
        long messagesIn,
        long messagesOut,
        long slowConsumerCloses,
        long rateLimited,
        long rejectedOrigins,
        long rejectedHosts,
        long uptimeSeconds,
        String cluster,
        Map<String, Integer> largestRooms) {
}
