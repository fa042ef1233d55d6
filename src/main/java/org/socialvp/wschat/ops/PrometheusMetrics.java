package org.socialvp.wschat.ops;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.broker.Metrics;

/**
 * The broker's figures as Prometheus metrics (PROTOCOL.md §13), in a registry of this deployment's
 * own (not the library's global one, which would outlive a redeploy). Every metric is read when
 * scraped, from the totals the broker keeps anyway ({@link Metrics}, {@link Broker#status}): the
 * message path pays nothing for them.
 */
final class PrometheusMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    PrometheusMetrics(Broker broker) {
        Metrics metrics = broker.metrics();
        gauge("wschat_connections", "Open WebSocket connections", () -> broker.status().connections());
        gauge("wschat_identified", "Connections that hold a name", () -> broker.status().identified());
        gauge("wschat_rooms", "Rooms with at least one connection", () -> broker.status().rooms());
        gauge("wschat_outbox_queued_bytes", "Bytes waiting in the connections' outboxes", broker::queuedBytes);
        gauge("wschat_uptime_seconds", "Seconds since the broker started", () -> broker.status().uptimeSeconds());
        counter("wschat_messages_in", "Text messages received from clients", metrics::messagesIn);
        counter("wschat_messages_out", "Frames queued for clients", metrics::messagesOut);
        counter("wschat_rate_limited", "Frames answered 429 and dropped", metrics::rateLimited);
        counter("wschat_slow_consumer_closes", "Connections closed 1013 for a full outbox", metrics::slowConsumerCloses);
        counter("wschat_rejected_origins", "Handshakes refused for their Origin", metrics::rejectedOrigins);
        counter("wschat_rejected_hosts", "Handshakes refused for their Host", metrics::rejectedHosts);
        counter("wschat_tokens_refused", "Identifies answered 401 for their token", metrics::tokensRefused);
        counter("wschat_state_writes", "Room state writes applied", metrics::stateWrites);
        labelled("wschat_closes", "Connections ended, by close code", "code", metrics::closesByCode);
        labelled("wschat_api_requests", "Server API requests, by HTTP status", "status", metrics::apiRequestsByStatus);
        CounterWithCallback.builder()
                .name("wschat_resumes")
                .help("Resume attempts, by result")
                .labelNames("result")
                .callback(callback -> {
                    callback.call(metrics.resumed(), "resumed");
                    callback.call(metrics.resumesRefused(), "refused");
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("wschat_cluster")
                .help("1 for the cluster state now: single (no Redis), connected or disconnected")
                .labelNames("state")
                .callback(callback -> callback.call(1, broker.status().cluster()))
                .register(registry);
    }

    MetricSnapshots scrape() {
        return registry.scrape();
    }

    private void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.getAsLong()))
                .register(registry);
    }

    private void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.getAsLong()))
                .register(registry);
    }

    private void labelled(String name, String help, String label, Supplier<Map<Integer, Long>> values) {
        CounterWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(callback -> values.get().forEach((key, value) -> callback.call(value, Integer.toString(key))))
                .register(registry);
    }
}
