package org.socialvp.wschat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The log files of the container the integration tests run against. */
public final class ServerLog {

    private ServerLog() {
    }

    /** Everything the container has logged so far, all its log files concatenated. */
    public static String text() {
        return text(Server.logDir());
    }

    /**
     * Everything logged so far in the log folder {@code dir} (another container's). The logger's
     * lock files ({@code server.log.0.lck}) come and go while it writes: they are not read, and a
     * file that is gone by the time it is read has nothing to say.
     */
    public static String text(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().endsWith(".lck")).sorted().toList();
            StringBuilder all = new StringBuilder();
            for (Path file : sorted) {
                try {
                    all.append(Files.readString(file));
                } catch (NoSuchFileException gone) {
                    // removed since the folder was listed
                }
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the container's log has stopped growing for half a second (at most five seconds):
     * Tomcat's log handler writes from a queue of its own, so a line logged during an undeploy lands a
     * moment after the undeploy returns.
     */
    public static void awaitQuiet() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int length = text().length();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int now = text().length();
            if (now == length) {
                return;
            }
            length = now;
        }
    }

    /** The lines of the log that contain {@code needle}. */
    public static List<String> linesContaining(String needle) {
        return linesContaining(Server.logDir(), needle);
    }

    /** The lines of the log in the folder {@code dir} (another container's) that contain {@code needle}. */
    public static List<String> linesContaining(Path dir, String needle) {
        return text(dir).lines().filter(line -> line.contains(needle)).collect(Collectors.toList());
    }
}
