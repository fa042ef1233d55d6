package org.socialvp.wschat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.cluster.NameDirectory.Claim;
import org.socialvp.wschat.testing.RedisServer;

/** The directory's scripts against a real Redis: several "servers" are several directories. */
class RedisDirectoryTest {

    private static final long LEASE_MILLIS = 300;

    private static RedisServer redisServer;
    private static RedisClient client;
    private static final List<StatefulRedisConnection<String, String>> CONNECTIONS = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redisServer = RedisServer.start();
        client = RedisClient.create(redisServer.url());
    }

    @AfterAll
    static void stopRedis() {
        CONNECTIONS.forEach(StatefulRedisConnection::close);
        if (client != null) {
            client.shutdown();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    @BeforeEach
    void empty() {
        connection().sync().flushall();
    }

    @Test
    void aNameIsUniqueInItsRoomAcrossServers() {
        RedisDirectory a = server("a");
        RedisDirectory b = server("b");
        assertEquals(Claim.CLAIMED, a.claim("party", "alice"));
        assertEquals(Claim.TAKEN, b.claim("party", "alice"));
        assertEquals(Claim.CLAIMED, b.claim("other", "alice"));
        assertEquals(Claim.CLAIMED, a.claim("party", "alice"), "claiming one's own name again is fine");
        assertEquals(List.of("alice"), b.names("party"));
    }

    @Test
    void aReleasedNameIsFreeAtOnceAndOnlyItsHolderCanReleaseIt() {
        RedisDirectory a = server("a");
        RedisDirectory b = server("b");
        a.claim("party", "alice");
        assertFalse(b.release("party", "alice"));
        assertEquals(Claim.TAKEN, b.claim("party", "alice"));
        assertTrue(a.release("party", "alice"));
        assertEquals(List.of(), b.names("party"));
        assertEquals(Claim.CLAIMED, b.claim("party", "alice"));
    }

    @Test
    void ofManyServersRacingForOneNameExactlyOneWins() throws Exception {
        int servers = 16;
        List<RedisDirectory> directories = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            directories.add(server("s" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(servers);
        try {
            List<Callable<Claim>> claims = new ArrayList<>();
            directories.forEach(d -> claims.add(() -> d.claim("party", "alice")));
            long winners = 0;
            for (Future<Claim> claim : pool.invokeAll(claims)) {
                winners += claim.get() == Claim.CLAIMED ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theNamesOfAServerWhoseLeaseRanOutAreFreedOnceAndCanBeTakenOver() throws Exception {
        RedisDirectory dead = server("dead");
        RedisDirectory alive = server("alive");
        RedisDirectory another = server("another");
        dead.claim("party", "alice");
        dead.claim("party", "bob");
        dead.claim("lobby", "carol");
        dead.release("party", "bob");
        Thread.sleep(LEASE_MILLIS * 2);
        alive.renewLease();
        another.renewLease();
        assertEquals(List.of(), alive.names("party"));
        assertEquals(Claim.TAKEN_OVER, alive.claim("lobby", "carol"));
        List<RoomName> freed = new ArrayList<>(alive.reapDeadServers());
        freed.addAll(another.reapDeadServers());
        assertEquals(List.of(new RoomName("party", "alice")), freed, "each name freed once; carol was taken over");
        assertEquals(Claim.TAKEN, another.claim("lobby", "carol"), "carol is alive's now");
        assertFalse(alive.wasReaped());
        assertTrue(dead.wasReaped(), "a server cut off and reaped learns it when it is back");
        assertFalse(dead.wasReaped(), "once");
    }

    @Test
    void renewingTheLeaseTellsWhetherRedisLostThisServersState() {
        RedisDirectory a = server("a");
        assertTrue(a.renewLease());
        connection().sync().flushall(); // as a Redis restarted empty between two renewals
        assertFalse(a.renewLease(), "the lease was gone");
        assertTrue(a.renewLease());
    }

    @Test
    void aLiveServerIsNeverReaped() {
        RedisDirectory a = server("a");
        RedisDirectory b = server("b");
        a.claim("party", "alice");
        assertEquals(List.of(), b.reapDeadServers());
        assertEquals(Claim.TAKEN, b.claim("party", "alice"));
    }

    private RedisDirectory server(String id) {
        RedisDirectory directory = new RedisDirectory(connection().sync(), id, LEASE_MILLIS);
        directory.renewLease();
        return directory;
    }

    private static StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> connection = client.connect();
        CONNECTIONS.add(connection);
        return connection;
    }
}
