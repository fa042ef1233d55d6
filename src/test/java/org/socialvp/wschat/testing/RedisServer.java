package org.socialvp.wschat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a free port, without persistence, for the scale-out tests.
 *
 * <p>Where Redis is missing the tests that need it are skipped with one line saying so — unless
 * {@code WSCHAT_REDIS_TESTS=required} (as {@code .ci/run} sets it), in which case they fail.
 */
public final class RedisServer implements AutoCloseable {

    public static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");
    private static final String HOST = "127.0.0.1";

    private final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    /** Starts a Redis on a free port, or skips (or fails, when required) the calling test if there is none. */
    public static RedisServer start() {
        return start(freePort());
    }

    /** Starts a Redis on {@code port}, or skips (or fails, when required) the calling test if there is none. */
    public static RedisServer start(int port) {
        if (!Files.isExecutable(REDIS_SERVER)) {
            String why = "redis-server not found (" + REDIS_SERVER + "): install Debian's redis-server to run "
                    + "the scale-out tests";
            if ("required".equals(System.getenv("WSCHAT_REDIS_TESTS"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        RedisServer redis = new RedisServer(port);
        redis.startProcess();
        return redis;
    }

    /** The URL for {@code wschat.redisUrl}. */
    public String url() {
        return url(port);
    }

    /** The URL of a Redis on {@code port} of this machine. */
    public static String url(int port) {
        return "redis://" + address(port);
    }

    /** {@code host:port} of a Redis on {@code port} of this machine, as the servers' log lines name it. */
    public static String address(int port) {
        return HOST + ":" + port;
    }

    /** Stops Redis (as a crash would: no save), keeping the port for {@link #restart}. */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts Redis again on the same port, empty. */
    public void restart() {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
    }

    private void startProcess() {
        try {
            process = new ProcessBuilder(REDIS_SERVER.toString(), "--port", Integer.toString(port),
                    "--bind", HOST, "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Eventually.await(this::answers, Boolean::booleanValue, "redis-server listening on port " + port);
    }

    private boolean answers() {
        try (Socket probe = new Socket(HOST, port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
