package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.Server;
import org.socialvp.wschat.testing.ServerLog;
import org.socialvp.wschat.testing.StatusPage;

/** Deploy, undeploy, redeploy: sessions closed with 1001, no thread or memory left behind, bad settings refused. */
@ExtendWith(ArquillianExtension.class)
class LifecycleIT {

    /** Each deployment is named after its context path. */
    private static final String WSCHAT = "wschat";
    private static final String BROKEN = "broken";
    private static final String QUIET = "quiet";
    private static final ObjectName BROKER_MBEAN = objectName("wschat:type=Broker");

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = WSCHAT, managed = false, testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @Deployment(name = BROKEN, managed = false, testable = false)
    static WebArchive brokenWar() {
        return Deployments.wschat(BROKEN + ".war", Map.of("wschat.maxJsonDepth", "very deep"));
    }

    @Deployment(name = QUIET, managed = false, testable = false)
    static WebArchive quietWar() {
        return Deployments.wschat(QUIET + ".war", Map.of("wschat.statusEnabled", "false"));
    }

    @Test
    void theBrokerMBeanIsRegisteredWithTheWarAndUnregisteredWithIt() throws Exception {
        Server.assumeTomcat("Payara Micro's adapter starts a JVM per deployment; a fixed JMX port would outlive it");
        try (JMXConnector jmx = JMXConnectorFactory.connect(Server.jmx())) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            assertFalse(server.isRegistered(BROKER_MBEAN));
            deployer.deploy(WSCHAT);
            try (ChatClient alice = ChatClient.identified(Deployments.room(Deployments.base(WSCHAT), "jmx-party"), "alice")) {
                assertTrue(server.isRegistered(BROKER_MBEAN));
                assertEquals(1, server.getAttribute(BROKER_MBEAN, "Connections"));
                assertEquals(1, server.getAttribute(BROKER_MBEAN, "Identified"));
                assertEquals(1, server.getAttribute(BROKER_MBEAN, "Rooms"));
                TabularData largest = (TabularData) server.getAttribute(BROKER_MBEAN, "LargestRooms");
                assertEquals(1, largest.get(new Object[] {"jmx-party"}).get("value"));
                for (String counter : List.of("MessagesIn", "MessagesOut", "SlowConsumerCloses", "RateLimited",
                        "RejectedOrigins", "UptimeSeconds")) {
                    assertTrue(server.getAttribute(BROKER_MBEAN, counter) instanceof Long, counter);
                }
            } finally {
                deployer.undeploy(WSCHAT);
            }
            assertFalse(server.isRegistered(BROKER_MBEAN));
        }
    }

    @Test
    void withTheStatusSwitchedOffTheStatusPathIs404() {
        deployer.deploy(QUIET);
        try {
            URI base = Deployments.base(QUIET);
            assertEquals(404, StatusPage.get(Deployments.status(base)).statusCode());
            try (ChatClient client = ChatClient.identified(Deployments.lobby(base), "alice")) {
                client.expectNothingMore();
            }
        } finally {
            deployer.undeploy(QUIET);
        }
    }

    @Test
    void undeployingClosesEverySessionWith1001() {
        deployer.deploy(WSCHAT);
        List<ChatClient> clients = new ArrayList<>();
        try {
            clients.add(ChatClient.identified(Deployments.lobby(), "alice"));
            clients.add(ChatClient.identified(Deployments.lobby(), "bob"));
            clients.add(ChatClient.connect(Deployments.lobby()));
        } finally {
            deployer.undeploy(WSCHAT);
        }
        for (ChatClient client : clients) {
            assertEquals(1001, client.awaitClose().code());
        }
    }

    @Test
    void fiveRedeploysInARowLeaveNoThreadOrMemoryLeakWarnings() {
        Server.assumeTomcat("the leak detector is Tomcat's; Payara Micro starts a fresh JVM for every deployment");
        // The log is shared by every test class this Tomcat serves: only what these five rounds add counts.
        List<String> before = leakWarnings();
        for (int round = 0; round < 5; round++) {
            deployer.deploy(WSCHAT);
            try (ChatClient alice = ChatClient.identified(Deployments.lobby(), "alice");
                    ChatClient bob = ChatClient.identified(Deployments.lobby(), "bob")) {
                alice.next("join");
                alice.broadcast("{\"round\":" + round + "}");
                assertEquals(round, bob.next("broadcast").getJsonObject("message").getInt("round"));
                deployer.undeploy(WSCHAT);
                assertEquals(1001, alice.awaitClose().code());
                assertEquals(1001, bob.awaitClose().code());
            }
        }
        ServerLog.awaitQuiet();
        List<String> added = new ArrayList<>(leakWarnings());
        before.forEach(added::remove);
        assertEquals(List.of(), added, "leak warnings logged while redeploying");
    }

    /**
     * Tomcat's thread, memory and ThreadLocal leak reports in the log so far. Tomcat's own background
     * thread (Catalina-utility-N) runs the context's periodic work with the context's class loader
     * set; caught at that moment by an undeploy, it is reported as a thread the web application
     * started. It is the container's, so that report is left out.
     */
    private static List<String> leakWarnings() {
        return ServerLog.text().lines()
                .filter(line -> line.contains("appears to have started a thread") || line.contains("memory leak")
                        || line.contains("ThreadLocal with key"))
                .filter(line -> !line.contains("appears to have started a thread named [Catalina-utility-"))
                .collect(Collectors.toList());
    }

    @Test
    void aSettingThatDoesNotParseFailsTheDeploymentAndTheLogNamesTheKey() {
        // Tomcat's manager reports the failure to Arquillian; Payara Micro logs it and runs on without
        // the application. Either way the application must not be serving.
        boolean serving;
        try {
            deployer.deploy(BROKEN);
            serving = StatusPage.get(Deployments.status(Deployments.base(BROKEN))).statusCode() == 200;
        } catch (RuntimeException deploymentFailed) {
            serving = false;
        } finally {
            try {
                deployer.undeploy(BROKEN);
            } catch (RuntimeException alreadyGone) {
                // the failed deployment may or may not have been left registered
            }
        }
        assertFalse(serving, "a WAR with an invalid setting started anyway");
        List<String> lines = ServerLog.linesContaining("wschat.maxJsonDepth");
        assertTrue(lines.stream().anyMatch(line -> line.contains("very deep")), "no log line names the key: " + lines);
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
