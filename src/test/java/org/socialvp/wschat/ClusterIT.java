package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RedisServer;
import org.socialvp.wschat.testing.Server;
import org.socialvp.wschat.testing.ServerLog;
import org.socialvp.wschat.testing.StatusPage;

/**
 * Two WSChat servers sharing their rooms through a real Redis: here two deployments of the WAR
 * (two brokers, two cluster members) in one Tomcat, {@code /wschat-a} and {@code /wschat-b}.
 */
@ExtendWith(ArquillianExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

    private static final int REDIS_PORT = RedisServer.freePort();
    private static final String A = "a";
    private static final String B = "b";

    private RedisServer redis;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = A, managed = false, testable = false)
    static WebArchive serverA() {
        return Deployments.wschat("wschat-a.war", settings());
    }

    @Deployment(name = B, managed = false, testable = false)
    static WebArchive serverB() {
        return Deployments.wschat("wschat-b.war", settings());
    }

    /** The shared Redis; no rate limit, for the thousand messages. */
    private static Map<String, String> settings() {
        return Map.of("wschat.redisUrl", RedisServer.url(REDIS_PORT), "wschat.rateLimitPerSecond", "0");
    }

    /** Once, before the first test (the deployer is only injected by then). */
    @BeforeEach
    void startRedisAndServers() {
        Server.assumeTomcat("two deployments in one Payara Micro would need two JVMs");
        if (redis == null) {
            redis = RedisServer.start(REDIS_PORT);
            deployer.deploy(A);
            deployer.deploy(B);
        }
    }

    /** Arquillian undeploys the two servers itself. */
    @AfterAll
    void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aNameTakenOnOneServerIsTakenOnTheOther() {
        try (ChatClient alice = ChatClient.identified(room(A, "same-name"), "alice");
                ChatClient impostor = ChatClient.connect(room(B, "same-name"))) {
            assertEquals(305, impostor.identify("alice").getInt("code"));
            assertEquals(300, impostor.identify("alice2").getInt("code"));
        }
    }

    @Test
    void presenceBroadcastMessageAndListWorkAcrossServers() {
        try (ChatClient alice = ChatClient.identified(room(A, "party"), "alice");
                ChatClient bob = ChatClient.identified(room(B, "party"), "bob")) {
            assertEquals("bob", alice.next("join").getString("who"));
            alice.broadcast("{\"play\":12.5}");
            JsonObject broadcast = bob.next("broadcast");
            assertEquals("alice", broadcast.getString("from"));
            assertEquals(12.5, broadcast.getJsonObject("message").getJsonNumber("play").doubleValue());
            bob.message("alice", "\"hi from b\"");
            assertEquals("hi from b", alice.next("message").getString("message"));
            alice.message("nobody", "1");
            assertEquals(404, alice.next("outcome").getInt("code"));
            alice.send("{\"command\":\"list\"}");
            assertEquals(List.of("alice", "bob"), names(alice.next("list")));
            bob.close();
            assertEquals("bob", alice.next("quit").getString("who"));
            alice.message("bob", "1");
            assertEquals(404, alice.next("outcome").getInt("code"));
        }
    }

    @Test
    void roomsStayApartAcrossServers() {
        try (ChatClient alice = ChatClient.identified(room(A, "one"), "alice");
                ChatClient otherAlice = ChatClient.identified(room(B, "two"), "alice");
                ChatClient bob = ChatClient.identified(room(B, "two"), "bob")) {
            otherAlice.next("join");
            alice.broadcast("1");
            alice.message("bob", "2");
            assertEquals(404, alice.next("outcome").getInt("code"));
            bob.expectNothingMore();
            otherAlice.expectNothingMore();
        }
    }

    @Test
    void aThousandCrossServerMessagesArriveInOrder() {
        try (ChatClient alice = ChatClient.identified(room(A, "order"), "alice");
                ChatClient bob = ChatClient.identified(room(B, "order"), "bob")) {
            alice.next("join");
            for (int i = 0; i < 1000; i++) {
                if (i % 2 == 0) {
                    alice.message("bob", Integer.toString(i));
                } else {
                    alice.broadcast(Integer.toString(i));
                }
            }
            for (int i = 0; i < 1000; i++) {
                JsonObject frame = bob.next();
                assertEquals(i % 2 == 0 ? "message" : "broadcast", frame.getString("type"));
                assertEquals(i, frame.getInt("message"));
            }
        }
    }

    @Test
    void whileRedisIsDownEachServerServesItsOwnViewersAndCrossServerDeliveryResumesAfter() {
        try (ChatClient alice = ChatClient.identified(room(A, "outage"), "alice");
                ChatClient carol = ChatClient.identified(room(A, "outage"), "carol");
                ChatClient bob = ChatClient.identified(room(B, "outage"), "bob")) {
            alice.next("join");
            alice.next("join");
            carol.next("join");
            redis.stop();
            awaitCluster(A, "disconnected");
            alice.broadcast("\"local\"");
            assertEquals("local", carol.next("broadcast").getString("message"));
            redis.restart();
            awaitCluster(A, "connected");
            awaitCluster(B, "connected");
            alice.broadcast("\"everywhere\"");
            assertEquals("everywhere", carol.next("broadcast").getString("message"));
            JsonObject seenByBob = bob.next("broadcast");
            assertEquals("everywhere", seenByBob.getString("message"));
            alice.message("bob", "\"direct again\"");
            assertEquals("direct again", bob.next("message").getString("message"));
        }
    }

    @Test
    void whenAServerStopsItsViewersQuitOnTheOthersTheirNamesAreFreeAndNothingIsLeftBehind() {
        try (ChatClient alice = ChatClient.identified(room(A, "stop"), "alice");
                ChatClient bob = ChatClient.identified(room(B, "stop"), "bob")) {
            alice.next("join");
            deployer.undeploy(B);
            assertEquals("bob", alice.next("quit").getString("who"));
            assertEquals(List.of(), ServerLog.linesContaining("[wschat-b] created a ThreadLocal"), "ThreadLocal leak");
            assertEquals(List.of(), ServerLog.linesContaining("[wschat-b] appears to have started a thread"),
                    "thread leak");
            try (ChatClient newBob = ChatClient.identified(room(A, "stop"), "bob")) {
                assertEquals("bob", alice.next("join").getString("who"));
            }
        } finally {
            deployer.deploy(B);
        }
    }

    private static URI room(String server, String room) {
        return URI.create("ws://127.0.0.1:" + Server.httpPort() + "/wschat-" + server + "/wschat/" + room);
    }

    private static List<String> names(JsonObject list) {
        return list.getJsonArray("names").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static void awaitCluster(String server, String state) {
        URI status = URI.create("http://127.0.0.1:" + Server.httpPort() + "/wschat-" + server + "/status");
        StatusPage.await(status, figures -> state.equals(figures.getString("cluster")));
    }
}
