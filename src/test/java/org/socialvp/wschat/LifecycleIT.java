package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.ServerLog;

/** Deploy, undeploy, redeploy: sessions closed with 1001, no thread or memory left behind, bad settings refused. */
@ExtendWith(ArquillianExtension.class)
class LifecycleIT {

    private static final String WSCHAT = "wschat";
    private static final String BROKEN = "broken";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = WSCHAT, managed = false, testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @Deployment(name = BROKEN, managed = false, testable = false)
    static WebArchive brokenWar() {
        return Deployments.wschat("broken.war", Map.of("wschat.maxJsonDepth", "very deep"));
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
        String log = ServerLog.text();
        assertFalse(log.contains("appears to have started a thread"), "thread leak reported");
        assertFalse(log.contains("memory leak"), "memory leak reported");
        assertFalse(log.contains("ThreadLocal with key"), "ThreadLocal leak reported");
    }

    @Test
    void aSettingThatDoesNotParseFailsTheDeploymentAndTheLogNamesTheKey() {
        try {
            assertThrows(RuntimeException.class, () -> deployer.deploy(BROKEN));
        } finally {
            try {
                deployer.undeploy(BROKEN);
            } catch (RuntimeException alreadyGone) {
                // the failed deployment may or may not have been left registered
            }
        }
        List<String> lines = ServerLog.linesContaining("wschat.maxJsonDepth");
        assertFalse(lines.isEmpty(), "no log line names the key");
        assertFalse(lines.stream().noneMatch(line -> line.contains("very deep")), lines::toString);
    }
}
