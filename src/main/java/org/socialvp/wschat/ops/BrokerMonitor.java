package org.socialvp.wschat.ops;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.socialvp.wschat.broker.Broker;

/**
 * The {@link BrokerMXBean} of one deployment, registered as {@code wschat:type=Broker} while the
 * WAR runs. Should a second WSChat WAR run in the same JVM, it registers with its context path
 * added ({@code wschat:type=Broker,context=/other}) rather than fail.
 */
final class BrokerMonitor implements BrokerMXBean {

    static final String NAME = "wschat:type=Broker";
    private static final System.Logger LOG = System.getLogger(BrokerMonitor.class.getName());

    private final Broker broker;
    private ObjectName registeredAs;

    BrokerMonitor(Broker broker) {
        this.broker = broker;
    }

    void register(String contextPath) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName(NAME);
            if (server.isRegistered(name)) {
                name = new ObjectName(NAME + ",context=" + ObjectName.quote(contextPath));
            }
            server.registerMBean(this, name);
            registeredAs = name;
        } catch (JMException e) {
            LOG.log(Level.WARNING, "WSChat MBean not registered", e);
        }
    }

    void unregister() {
        if (registeredAs == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registeredAs);
        } catch (JMException e) {
            LOG.log(Level.WARNING, "WSChat MBean not unregistered", e);
        }
        registeredAs = null;
    }

    @Override
    public int getConnections() {
        return broker.status().connections();
    }

    @Override
    public int getIdentified() {
        return broker.status().identified();
    }

    @Override
    public int getRooms() {
        return broker.status().rooms();
    }

    @Override
    public long getMessagesIn() {
        return broker.status().messagesIn();
    }

    @Override
    public long getMessagesOut() {
        return broker.status().messagesOut();
    }

    @Override
    public long getSlowConsumerCloses() {
        return broker.status().slowConsumerCloses();
    }

    @Override
    public long getRateLimited() {
        return broker.status().rateLimited();
    }

    @Override
    public long getRejectedOrigins() {
        return broker.status().rejectedOrigins();
    }

    @Override
    public long getUptimeSeconds() {
        return broker.status().uptimeSeconds();
    }

    @Override
    public Map<String, Integer> getLargestRooms() {
        return broker.status().largestRooms();
    }
}
