package org.socialvp.wschat.testing;

import java.net.MalformedURLException;
import java.nio.file.Path;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Assumptions;

/**
 * The container this run of the integration suite is against, as Maven's failsafe execution
 * describes it ({@code server.kind}: {@code tomcat} or {@code payara}).
 */
public final class Server {

    /**
     * The address every test reaches a container on: loopback. Payara reports its external address,
     * and Tyrus looks up the name of the local address on every handshake: over loopback that is
     * {@code /etc/hosts}, elsewhere it is DNS, which a closed test network never answers.
     */
    public static final String HOST = "127.0.0.1";

    private Server() {
    }

    public static boolean isTomcat() {
        return "tomcat".equals(System.getProperty("server.kind", "tomcat"));
    }

    public static int httpPort() {
        return Integer.getInteger("server.http.port");
    }

    public static int jmxPort() {
        return Integer.getInteger("server.jmx.port");
    }

    /** The container's JMX connector. */
    public static JMXServiceURL jmx() {
        try {
            return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + HOST + ":" + jmxPort() + "/jmxrmi");
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The folder the container writes its log files to. */
    public static Path logDir() {
        return Path.of(System.getProperty("server.log.dir"));
    }

    /** Skips the calling test unless it runs against Tomcat, saying why. */
    public static void assumeTomcat(String why) {
        Assumptions.assumeTrue(isTomcat(), () -> "Tomcat only: " + why);
    }
}
