package org.socialvp.wschat.ops;

import jakarta.json.spi.JsonProvider;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import java.lang.System.Logger.Level;
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.broker.Cluster;
import org.socialvp.wschat.cluster.RedisCluster;
import org.socialvp.wschat.config.HostPolicy;
import org.socialvp.wschat.config.InvalidSettingException;
import org.socialvp.wschat.config.OriginPolicy;
import org.socialvp.wschat.config.Settings;

/**
 * Starts the broker when the WAR is deployed and stops it when it is undeployed: settings,
 * broker (with its housekeeping thread), MBean and status servlet come and go together.
 *
 * <p>The endpoint instances the container creates per connection find the broker through
 * {@link #broker()}: a static field, which is per WAR because each web application has its own
 * class loader. The container only accepts connections once this listener has run.
 */
@WebListener
public class WsChatLifecycle implements ServletContextListener {

    private static final System.Logger LOG = System.getLogger(WsChatLifecycle.class.getName());

    /**
     * The container's per-connection receive buffers, in characters (text) and bytes (binary).
     * Tomcat allocates both for every connection up front, 8 KiB each by default (the text one
     * as chars, so 16 KiB). The endpoint takes text in parts and the broker assembles messages up
     * to {@code wschat.maxMessageBytes}, so a small buffer only means that a rare large message
     * arrives in more parts; it saves some 20 KiB per idle viewer.
     */
    static final int RECEIVE_BUFFER_SIZE = 1024;

    private static volatile Broker broker;
    private static volatile OriginPolicy originPolicy;
    private static volatile HostPolicy hostPolicy;
    private BrokerMonitor monitor;

    /** The broker of this deployment. */
    public static Broker broker() {
        Broker running = broker;
        if (running == null) {
            throw new IllegalStateException("WSChat is not running");
        }
        return running;
    }

    /** The host policy of this deployment. */
    public static HostPolicy hostPolicy() {
        return hostPolicy;
    }

    /** The origin policy of this deployment. */
    public static OriginPolicy originPolicy() {
        return originPolicy;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings;
        try {
            settings = Settings.load(key -> System.getProperty(key, context.getInitParameter(key)));
        } catch (InvalidSettingException e) {
            LOG.log(Level.ERROR, "WSChat not started: " + e.getMessage());
            throw e;
        }
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        container.setDefaultMaxTextMessageBufferSize(RECEIVE_BUFFER_SIZE);
        container.setDefaultMaxBinaryMessageBufferSize(RECEIVE_BUFFER_SIZE);
        JsonProvider json = JsonProvider.provider();
        originPolicy = new OriginPolicy(settings);
        hostPolicy = new HostPolicy(settings);
        broker = new Broker(settings, json, settings.clustered() ? new RedisCluster(settings.redisUrl()) : Cluster.SINGLE);
        monitor = new BrokerMonitor(broker);
        monitor.register(context.getContextPath());
        if (settings.statusEnabled()) {
            context.addServlet("wschat-status", new StatusServlet(broker, json)).addMapping("/status");
        }
        LOG.log(Level.INFO, () -> "WSChat started: " + settings + "; JSON-P provider " + json.getClass().getName()
                + " from " + json.getClass().getProtectionDomain().getCodeSource());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Broker stopping = broker;
        broker = null;
        if (monitor != null) {
            monitor.unregister();
            monitor = null;
        }
        if (stopping != null) {
            stopping.shutdown();
        }
        LOG.log(Level.INFO, "WSChat stopped");
    }
}
