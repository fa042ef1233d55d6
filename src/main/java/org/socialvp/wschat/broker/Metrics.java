package org.socialvp.wschat.broker;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.socialvp.wschat.protocol.Disconnect;

/**
 * The broker's running totals, read by {@code /status}, JMX and {@code /metrics}.
 * {@link LongAdder}s: many threads add at once without contending on one memory location, and
 * nothing on the message path takes a lock for them. The totals by label (close code, resume
 * result, API status) are counted where those rare events happen, never per message. The labels
 * a scrape should always find are there from the start at zero, so that a series never appears
 * only once its first event happened (a dashboard's rate would miss that first event).
 */
public final class Metrics {

    /** 1000 (a client's own close), 1006 (no close frame) and every code the server closes with. */
    static final Set<Integer> CLOSE_CODES = Stream.concat(Stream.of(1000, 1006),
            Arrays.stream(Disconnect.values()).map(Disconnect::code)).collect(Collectors.toUnmodifiableSet());
    /** Every status the server API answers with. */
    static final Set<Integer> API_STATUSES = Set.of(200, 400, 401, 404, 405, 412, 413);

    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder slowConsumerCloses = new LongAdder();
    final LongAdder rejectedOrigins = new LongAdder();
    final LongAdder rejectedHosts = new LongAdder();
    final LongAdder tokensRefused = new LongAdder();
    final LongAdder stateWrites = new LongAdder();
    final LongAdder resumed = new LongAdder();
    final LongAdder resumesRefused = new LongAdder();
    private final Map<Integer, LongAdder> closesByCode = zeroes(CLOSE_CODES);
    private final Map<Integer, LongAdder> apiRequestsByStatus = zeroes(API_STATUSES);

    /** A WebSocket handshake was refused because of its {@code Origin}. */
    public void originRejected() {
        rejectedOrigins.increment();
    }

    /** A WebSocket handshake was refused because its {@code Host} is not in {@code wschat.allowedHosts}. */
    public void hostRejected() {
        rejectedHosts.increment();
    }

    /** The server API answered a request with {@code status}. */
    public void apiAnswered(int status) {
        apiRequestsByStatus.computeIfAbsent(status, code -> new LongAdder()).increment();
    }

    void closed(int code) {
        closesByCode.computeIfAbsent(code, key -> new LongAdder()).increment();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long rateLimited() {
        return rateLimited.sum();
    }

    public long slowConsumerCloses() {
        return slowConsumerCloses.sum();
    }

    public long rejectedOrigins() {
        return rejectedOrigins.sum();
    }

    public long rejectedHosts() {
        return rejectedHosts.sum();
    }

    public long tokensRefused() {
        return tokensRefused.sum();
    }

    public long stateWrites() {
        return stateWrites.sum();
    }

    public long resumed() {
        return resumed.sum();
    }

    public long resumesRefused() {
        return resumesRefused.sum();
    }

    /** Connections ended so far, by the close code the container reported. */
    public Map<Integer, Long> closesByCode() {
        return sums(closesByCode);
    }

    /** Server API requests answered so far, by HTTP status. */
    public Map<Integer, Long> apiRequestsByStatus() {
        return sums(apiRequestsByStatus);
    }

    private static Map<Integer, LongAdder> zeroes(Set<Integer> labels) {
        Map<Integer, LongAdder> counters = new ConcurrentHashMap<>();
        labels.forEach(label -> counters.put(label, new LongAdder()));
        return counters;
    }

    private static Map<Integer, Long> sums(Map<Integer, LongAdder> counters) {
        Map<Integer, Long> sums = new TreeMap<>();
        counters.forEach((label, counter) -> sums.put(label, counter.sum()));
        return sums;
    }
}
