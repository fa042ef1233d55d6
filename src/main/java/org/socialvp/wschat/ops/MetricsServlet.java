package org.socialvp.wschat.ops;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /wschat/metrics}: {@link PrometheusMetrics} in the Prometheus text format, written by
 * the Prometheus client library. Registered with the status servlet, under the same
 * {@code wschat.statusEnabled}.
 */
public class MetricsServlet extends HttpServlet {

    private final transient PrometheusMetrics metrics;
    private final transient PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsServlet(PrometheusMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType(writer.getContentType());
        response.setHeader("Cache-Control", "no-store");
        writer.write(response.getOutputStream(), metrics.scrape());
    }
}
