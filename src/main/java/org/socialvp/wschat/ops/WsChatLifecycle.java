package org.socialvp.wschat.ops;

import jakarta.json.spi.JsonProvider;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import java.lang.System.Logger.Level;
import java.util.EnumSet;
import java.util.Optional;
import org.socialvp.wschat.api.ApiServlet;
import org.socialvp.wschat.auth.TokenVerifier;
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.cluster.Cluster;
import org.socialvp.wschat.cluster.LocalOnly;
import org.socialvp.wschat.cluster.RedisCluster;
import org.socialvp.wschat.config.HostPolicy;
import org.socialvp.wschat.config.InvalidSettingException;
import org.socialvp.wschat.config.OriginPolicy;
import org.socialvp.wschat.config.Settings;

/**
 * Starts everything the WAR owns when it is deployed and stops it when it is undeployed: the
 * settings, the broker (with its threads), the handshake filters, the MBean and the status
 * servlet come and go together.
 *
 * <p>The filters and the servlet are registered here, with what they need, rather than declared:
 * they exist only with a running broker. The endpoint configurator, which the container creates
 * itself, finds the deployment through {@link #running()}: a static field, which is per WAR
 * because each web application has its own class loader. The container only accepts connections
 * once this listener has run.
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

    /** What a handshake needs of the deployment. */
    public record Running(Broker broker, OriginPolicy origins) {
    }

    private static volatile Running running;
    private BrokerMonitor monitor;

    /** The deployment of this WAR. */
    public static Running running() {
        Running deployment = running;
        if (deployment == null) {
            throw new IllegalStateException("WSChat is not running");
        }
        return deployment;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings;
        Optional<TokenVerifier> tokens;
        try {
            settings = Settings.load(key -> System.getProperty(key, context.getInitParameter(key)));
            tokens = TokenVerifier.from(settings);
        } catch (InvalidSettingException e) {
            LOG.log(Level.ERROR, "WSChat not started: " + e.getMessage());
            throw e;
        }
        WarClasses.loadAll(context);
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        container.setDefaultMaxTextMessageBufferSize(RECEIVE_BUFFER_SIZE);
        container.setDefaultMaxBinaryMessageBufferSize(RECEIVE_BUFFER_SIZE);
        JsonProvider json = JsonProvider.provider();
        Cluster cluster = settings.clustered() ? new RedisCluster(settings.redisUrl()) : new LocalOnly();
        Broker broker = new Broker(settings, tokens, json, Session.class.getClassLoader(), cluster);
        running = new Running(broker, new OriginPolicy(settings));
        // In this order, and before the container's own upgrade filter (mapped after the application's).
        filter(context, "wschat-handshake-guard", new org.socialvp.wschat.HandshakeGuard(new HostPolicy(settings),
                broker.metrics()));
        filter(context, "wschat-context-root", new org.socialvp.wschat.ContextRootUpgrade());
        monitor = new BrokerMonitor(broker);
        monitor.register(context.getContextPath());
        if (settings.statusEnabled()) {
            context.addServlet("wschat-status", new StatusServlet(broker, json)).addMapping("/status");
            context.addServlet("wschat-metrics", new MetricsServlet(new PrometheusMetrics(broker))).addMapping("/metrics");
        }
        // Also when the API is off (no wschat.apiKey): then it answers every method 404 saying so.
        context.addServlet("wschat-api", new ApiServlet(broker, json)).addMapping("/api/*");
        LOG.log(Level.INFO, () -> "WSChat started: " + settings + "; JSON-P provider " + json.getClass().getName()
                + " from " + json.getClass().getProtectionDomain().getCodeSource());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Running stopping = running;
        running = null;
        if (monitor != null) {
            monitor.unregister();
            monitor = null;
        }
        if (stopping != null) {
            stopping.broker().shutdown();
        }
        LOG.log(Level.INFO, "WSChat stopped");
    }

    private static void filter(ServletContext context, String name, HttpFilter filter) {
        FilterRegistration.Dynamic registration = context.addFilter(name, filter);
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }
}
