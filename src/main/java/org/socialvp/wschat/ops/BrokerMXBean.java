package org.socialvp.wschat.ops;

import java.util.Map;

/**
 * The broker's figures over JMX, as {@code wschat:type=Broker} on the platform MBean server, for
 * JConsole, VisualVM and the Prometheus JMX exporter. The same figures as {@code /wschat/status}.
 */
public interface BrokerMXBean {

    int getConnections();

    int getIdentified();

    int getRooms();

    long getMessagesIn();

    long getMessagesOut();

    long getSlowConsumerCloses();

    long getRateLimited();

    long getRejectedOrigins();

    long getUptimeSeconds();

    /** Connections of the ten largest rooms, by room name. */
    Map<String, Integer> getLargestRooms();
}
