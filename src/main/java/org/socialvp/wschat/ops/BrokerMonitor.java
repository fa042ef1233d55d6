package org.socialvp.wschat.ops;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanInfoSupport;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularDataSupport;
import javax.management.openmbean.TabularType;
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.broker.Status;

/**
 * The broker's figures over JMX, as {@code wschat:type=Broker} on the platform MBean server, for
 * JConsole, VisualVM and the Prometheus JMX exporter: one read-only attribute per figure of
 * {@link Status} ({@code connections} → {@code Connections}), written from {@link StatusFigures}.
 * A map figure is a table of {@code key}/{@code value} rows, as an MXBean would show it.
 *
 * <p>The figures are taken once per second at most: a JMX client that reads the attributes one by
 * one does not make the broker count its rooms for each. Should a second WSChat WAR run in the
 * same JVM, it registers with its context path added ({@code wschat:type=Broker,context=/other}).
 */
final class BrokerMonitor implements DynamicMBean {

    static final String NAME = "wschat:type=Broker";
    private static final System.Logger LOG = System.getLogger(BrokerMonitor.class.getName());
    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Broker broker;
    private final TabularType countsType;
    private final MBeanInfo info;
    private ObjectName registeredAs;
    /** The figures last taken, and when; replaced whole, so readers need no lock. */
    private volatile Snapshot snapshot;

    private record Snapshot(Map<String, Object> figures, long takenAt) {
    }

    BrokerMonitor(Broker broker) {
        this.broker = broker;
        try {
            CompositeType row = new CompositeType("count", "a name and its count", new String[] {"key", "value"},
                    new String[] {"name", "count"}, new OpenType<?>[] {SimpleType.STRING, SimpleType.INTEGER});
            countsType = new TabularType("counts", "counts by name", row, new String[] {"key"});
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
        String[] names = StatusFigures.names();
        OpenMBeanAttributeInfoSupport[] attributes = new OpenMBeanAttributeInfoSupport[names.length];
        for (int i = 0; i < names.length; i++) {
            attributes[i] = new OpenMBeanAttributeInfoSupport(attribute(names[i]), names[i],
                    openType(StatusFigures.type(names[i])), true, false, false);
        }
        info = new OpenMBeanInfoSupport(BrokerMonitor.class.getName(), "WSChat broker figures", attributes,
                null, null, null);
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
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Map<String, Object> figures = figures();
        String figure = figure(attribute);
        if (!figures.containsKey(figure)) {
            throw new AttributeNotFoundException(attribute);
        }
        return toOpen(figures.get(figure));
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Object> figures = figures();
        AttributeList list = new AttributeList();
        for (String attribute : attributes) {
            String figure = figure(attribute);
            if (figures.containsKey(figure)) {
                list.add(new Attribute(attribute, toOpen(figures.get(figure))));
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(action);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }

    private Map<String, Object> figures() {
        Snapshot last = snapshot;
        long now = System.nanoTime();
        if (last == null || now - last.takenAt() > FRESH_NANOS) {
            last = new Snapshot(StatusFigures.of(broker.status()), now);
            snapshot = last;
        }
        return last.figures();
    }

    private Object toOpen(Object value) {
        if (!(value instanceof Map<?, ?> counts)) {
            return value;
        }
        TabularDataSupport table = new TabularDataSupport(countsType);
        try {
            for (Map.Entry<?, ?> entry : counts.entrySet()) {
                table.put(new CompositeDataSupport(countsType.getRowType(), new String[] {"key", "value"},
                        new Object[] {entry.getKey(), entry.getValue()}));
            }
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
        return table;
    }

    private OpenType<?> openType(Class<?> type) {
        if (type == int.class) {
            return SimpleType.INTEGER;
        }
        if (type == long.class) {
            return SimpleType.LONG;
        }
        if (type == String.class) {
            return SimpleType.STRING;
        }
        return countsType;
    }

    /** {@code connections} → {@code Connections}. */
    private static String attribute(String figure) {
        return Character.toUpperCase(figure.charAt(0)) + figure.substring(1);
    }

    /** {@code Connections} → {@code connections}. */
    private static String figure(String attribute) {
        return attribute.isEmpty() ? attribute : Character.toLowerCase(attribute.charAt(0)) + attribute.substring(1);
    }
}
