package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
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
import org.socialvp.wschat.testing.Eventually;
import org.socialvp.wschat.testing.RedisServer;
import org.socialvp.wschat.testing.ServerLog;
import org.socialvp.wschat.testing.StatusPage;

/**
 * Two WSChat servers sharing their rooms through a real Redis: two Tomcat JVMs (the Arquillian
 * group {@code cluster}), each with the WAR — {@code /wschat-a} on server a, {@code /wschat-b}
 * on server b — so that one can be killed with {@code kill -9} while the other carries on.
 */
@ExtendWith(ArquillianExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

    private static final int REDIS_PORT = RedisServer.freePort();
    private static final String A = "a";
    private static final String B = "b";
    private static final String UNREACHABLE = "Redis at " + RedisServer.address(REDIS_PORT)
            + " unreachable, serving local viewers only";
    private static final String REACHABLE = "Redis at " + RedisServer.address(REDIS_PORT) + " is reachable: rooms are shared";
    /** How soon the survivors must hear of a server that died without warning. */
    private static final Duration DEATH_NOTICE = Duration.ofSeconds(15);

    private RedisServer redis;

    @ArquillianResource
    private ContainerController containers;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = A, managed = false, testable = false)
    @TargetsContainer("server-a")
    static WebArchive serverA() {
        return Deployments.wschat(context(A) + ".war", settings());
    }

    @Deployment(name = B, managed = false, testable = false)
    @TargetsContainer("server-b")
    static WebArchive serverB() {
        return Deployments.wschat(context(B) + ".war", settings());
    }

    /** The shared Redis; no rate limit, for the thousand messages. */
    private static Map<String, String> settings() {
        return Map.of("wschat.redisUrl", RedisServer.url(REDIS_PORT), "wschat.rateLimitPerSecond", "0",
                "wschat.rateLimitBytesPerSecond", "0");
    }

    /** Once, before the first test (the controller and deployer are only injected by then). */
    @BeforeEach
    void startRedisAndServers() {
        if (redis == null) {
            redis = RedisServer.start(REDIS_PORT);
            start(A);
            start(B);
        }
    }

    /** Arquillian stops the two Tomcats itself. */
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
            alice.expectOutcome(404);
            assertEquals(List.of("alice", "bob"), alice.list());
            bob.close();
            assertEquals("bob", alice.next("quit").getString("who"));
            alice.message("bob", "1");
            alice.expectOutcome(404);
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
            alice.expectOutcome(404);
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
            int outagesLogged = logged(A, UNREACHABLE);
            int returnsLogged = logged(A, REACHABLE);
            redis.stop();
            awaitCluster(A, "disconnected");
            awaitLogged(A, UNREACHABLE, outagesLogged + 1);
            alice.broadcast("\"local\"");
            assertEquals("local", carol.next("broadcast").getString("message"));
            try (ChatClient dave = ChatClient.identified(room(A, "outage"), "dave")) {
                assertEquals("dave", alice.next("join").getString("who"));
                carol.next("join");
                redis.restart(); // empty: every name must be claimed again
                awaitCluster(A, "connected");
                awaitCluster(B, "connected");
                awaitLogged(A, REACHABLE, returnsLogged + 1);
                alice.broadcast("\"everywhere\"");
                assertEquals("everywhere", carol.next("broadcast").getString("message"));
                assertEquals("everywhere", dave.next("broadcast").getString("message"));
                JsonObject seenByBob = bob.next();
                if (seenByBob.getString("type").equals("join")) {
                    // dave's join, announced once A reached Redis again, if B was listening by then
                    assertEquals("dave", seenByBob.getString("who"));
                    seenByBob = bob.next();
                }
                assertEquals("everywhere", seenByBob.getString("message"));
                alice.message("bob", "\"direct again\"");
                assertEquals("direct again", bob.next("message").getString("message"));
                bob.message("dave", "\"to the newcomer\"");
                assertEquals("to the newcomer", dave.next("message").getString("message"));
                assertEquals(List.of("alice", "bob", "carol", "dave"), bob.list());
            }
        }
    }

    /** Redis back before any server noticed it was gone: the lost lease tells them, and they claim again. */
    @Test
    void aRedisRestartTooQuickToBeNoticedIsRepairedAllTheSame() {
        try (ChatClient alice = ChatClient.identified(room(A, "blink"), "alice");
                ChatClient bob = ChatClient.identified(room(B, "blink"), "bob")) {
            alice.next("join");
            redis.restart();
            awaitList(alice, List.of("alice", "bob"));
            alice.message("bob", "\"still there\"");
            assertEquals("still there", bob.next("message").getString("message"));
            bob.broadcast("\"and here\"");
            assertEquals("and here", alice.next("broadcast").getString("message"));
        }
    }

    @Test
    void aServerStartedWhileRedisIsDownServesAloneThenJoinsTheCluster() {
        deployer.undeploy(A);
        redis.stop();
        deployer.deploy(A);
        try (ChatClient alice = ChatClient.identified(room(A, "late"), "alice");
                ChatClient carol = ChatClient.identified(room(A, "late"), "carol")) {
            awaitCluster(A, "disconnected");
            assertEquals("carol", alice.next("join").getString("who"));
            carol.broadcast("\"alone\"");
            assertEquals("alone", alice.next("broadcast").getString("message"));
            redis.restart();
            awaitCluster(A, "connected");
            awaitCluster(B, "connected");
            try (ChatClient bob = ChatClient.identified(room(B, "late"), "bob")) {
                assertEquals("bob", alice.next("join").getString("who"));
                assertEquals(List.of("alice", "bob", "carol"), bob.list());
                carol.broadcast("\"together\"");
                assertEquals("together", bob.next("broadcast").getString("message"));
            }
        }
    }

    @Test
    void whenAServerIsKilledItsViewersQuitOnTheOthersWithin15SecondsAndTheirNamesAreFree() throws Exception {
        try (ChatClient alice = ChatClient.identified(room(A, "killed"), "alice");
                ChatClient bob = ChatClient.identified(room(B, "killed"), "bob")) {
            alice.next("join");
            long killedAt = System.nanoTime();
            kill(B);
            assertEquals("bob", alice.next("quit").getString("who"));
            Duration noticedAfter = Duration.ofNanos(System.nanoTime() - killedAt);
            assertTrue(noticedAfter.compareTo(DEATH_NOTICE) <= 0, "quit seen after " + noticedAfter);
            assertEquals(List.of("alice"), alice.list());
            try (ChatClient newBob = ChatClient.identified(room(A, "killed"), "bob")) {
                assertEquals("bob", alice.next("join").getString("who"));
            }
        } finally {
            containers.stop(container(B));
            forgetDeployment(B);
            start(B);
        }
    }

    @Test
    void whenAServerStopsItsViewersQuitOnTheOthersTheirNamesAreFreeAndNothingIsLeftBehind() {
        try (ChatClient alice = ChatClient.identified(room(A, "stop"), "alice");
                ChatClient bob = ChatClient.identified(room(B, "stop"), "bob")) {
            alice.next("join");
            deployer.undeploy(B);
            assertEquals("bob", alice.next("quit").getString("who"));
            assertEquals(List.of(), ServerLog.linesContaining("[" + context(B) + "] created a ThreadLocal"), "ThreadLocal leak");
            assertEquals(List.of(), ServerLog.linesContaining("[" + context(B) + "] appears to have started a thread"),
                    "thread leak");
            try (ChatClient newBob = ChatClient.identified(room(A, "stop"), "bob")) {
                assertEquals("bob", alice.next("join").getString("who"));
            }
        } finally {
            deployer.deploy(B);
        }
    }

    private void start(String server) {
        containers.start(container(server));
        deployer.deploy(server);
    }

    /** {@code kill -9} of the server's Tomcat JVM: no undeploy, no close frames, no goodbye to Redis. */
    private static void kill(String server) throws Exception {
        String base = "-Dcatalina.base=" + catalinaBase(server).toAbsolutePath();
        List<ProcessHandle> tomcats = ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains(base)).orElse(false))
                .toList();
        assertEquals(1, tomcats.size(), "the Tomcat JVM of server " + server);
        ProcessHandle tomcat = tomcats.get(0);
        assertTrue(tomcat.destroyForcibly(), "SIGKILL sent");
        tomcat.onExit().get(10, TimeUnit.SECONDS);
    }

    /**
     * Removes the WAR a killed server still has in its {@code webapps/}, so that it starts empty
     * and the deployer can deploy it again as it does for a new server.
     */
    private static void forgetDeployment(String server) throws IOException {
        Path webapps = catalinaBase(server).resolve("webapps");
        Files.deleteIfExists(webapps.resolve(context(server) + ".war"));
        Path unpacked = webapps.resolve(context(server));
        if (Files.exists(unpacked)) {
            try (Stream<Path> files = Files.walk(unpacked)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static String container(String server) {
        return "server-" + server;
    }

    /** The server's own Tomcat base, under {@code target/cluster}. */
    private static Path catalinaBase(String server) {
        return Path.of(System.getProperty("cluster.base"), server);
    }

    /** The WAR's context path on the server: {@code wschat-a}, {@code wschat-b}. */
    private static String context(String server) {
        return "wschat-" + server;
    }

    private static URI base(String server) {
        return Deployments.base(Integer.getInteger("cluster." + server + ".http.port"), context(server));
    }

    private static URI room(String server, String room) {
        return Deployments.room(base(server), room);
    }

    /** Asks for the room's names until they are {@code expected} (the servers may still be converging). */
    private static void awaitList(ChatClient client, List<String> expected) {
        Eventually.await(client::list, expected::equals, "the names " + expected);
    }

    /** How many lines of the server's log contain {@code text}. */
    private static int logged(String server, String text) {
        return ServerLog.linesContaining(catalinaBase(server).resolve("logs"), text).size();
    }

    /** Waits until {@code count} lines of the server's log contain {@code text} (Tomcat writes it asynchronously). */
    private static void awaitLogged(String server, String text, int count) {
        Eventually.await(() -> logged(server, text), lines -> lines >= count,
                count + " lines logged by server " + server + " with: " + text);
    }

    private static void awaitCluster(String server, String state) {
        StatusPage.await(Deployments.status(base(server)), figures -> state.equals(figures.getString("cluster")));
    }
}
