package org.socialvp.wschat.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The container this run of the integration suite is against, as Maven's failsafe execution
 * describes it ({@code server.kind}: {@code tomcat} or {@code payara}).
 */
public final class Server {

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

    /** The folder the container writes its log files to. */
    public static Path logDir() {
        return Path.of(System.getProperty("server.log.dir"));
    }

    /** Skips the calling test unless it runs against Tomcat, saying why. */
    public static void assumeTomcat(String why) {
        Assumptions.assumeTrue(isTomcat(), () -> "Tomcat only: " + why);
    }
}
