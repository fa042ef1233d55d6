package org.socialvp.wschat.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR that Maven built ({@code target/wschat.war}), as the integration tests deploy it: the
 * same bytes a user drops into {@code webapps/}, optionally with settings. On Tomcat the settings
 * are added to the WAR's {@code META-INF/context.xml} as {@code <Parameter>}s, the way an operator
 * overrides them there; on Payara (whose own override is {@code asadmin set-web-context-param}, which
 * Payara Micro has no console for) they replace the defaults in {@code WEB-INF/web.xml}.
 */
public final class Deployments {

    private static final String CONTEXT_XML = "META-INF/context.xml";

    private Deployments() {
    }

    public static WebArchive wschat() {
        return wschat(Map.of());
    }

    /** The built WAR with {@code settings} as Tomcat context parameters that override web.xml. */
    public static WebArchive wschat(Map<String, String> settings) {
        return wschat("wschat.war", settings);
    }

    /** The built WAR under another file name (and so another context path), with {@code settings}. */
    public static WebArchive wschat(String archiveName, Map<String, String> settings) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, archiveName)
                .merge(ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("wschat.war"))));
        if (settings.isEmpty()) {
            return war;
        }
        if (Server.isTomcat()) {
            // The WAR's own context.xml (its Context attributes) with the settings added as Parameters.
            StringBuilder parameters = new StringBuilder();
            settings.forEach((key, value) -> parameters.append("  <Parameter name=\"").append(key)
                    .append("\" value=\"").append(value).append("\" override=\"false\"/>\n"));
            String context = read(war, CONTEXT_XML);
            int body = context.indexOf('>', context.indexOf("<Context")) + 1;
            context = context.substring(0, body) + "\n" + parameters + context.substring(body);
            war.delete(CONTEXT_XML);
            war.addAsManifestResource(new StringAsset(context), "context.xml");
        } else {
            String webXml = read(war, "WEB-INF/web.xml");
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                Matcher param = Pattern.compile("(<param-name>" + Pattern.quote(setting.getKey())
                        + "</param-name>\\s*<param-value>)[^<]*").matcher(webXml);
                if (!param.find()) {
                    throw new IllegalArgumentException("web.xml has no " + setting.getKey());
                }
                webXml = param.replaceFirst("$1" + Matcher.quoteReplacement(setting.getValue()));
            }
            war.delete("WEB-INF/web.xml");
            war.addAsWebInfResource(new StringAsset(webXml), "web.xml");
        }
        return war;
    }

    private static String read(WebArchive war, String path) {
        try (InputStream in = war.get(path).getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WebSocket address of the lobby on the test Tomcat, for deployments the test manages itself. */
    public static URI lobby() {
        return URI.create("ws://127.0.0.1:" + Server.httpPort() + "/wschat/wschat");
    }

    /**
     * The deployment's base address on the loopback interface. Payara reports its external address,
     * and Tyrus looks up the name of the local address on every handshake: over loopback that is
     * {@code /etc/hosts}, elsewhere it is DNS, which a closed test network never answers.
     */
    public static URI base(URL deployment) {
        return URI.create("http://127.0.0.1:" + deployment.getPort() + deployment.getPath());
    }

    /** {@code GET /wschat/status} of the deployment. */
    public static URI status(URL deployment) {
        return base(deployment).resolve("status");
    }

    /** The WebSocket address of the lobby, from the deployment's HTTP base URL. */
    public static URI lobby(URL deployment) {
        return URI.create(base(deployment).toString().replaceFirst("^http", "ws") + "wschat");
    }

    /**
     * The lobby, once every connection of earlier tests has closed. The tests of a class share one
     * deployment, and a client closed at the end of one test may still be leaving — and be heard
     * leaving, with a {@code quit} — when the next test begins.
     */
    public static URI quietLobby(URL deployment) {
        awaitNoConnections(deployment);
        return lobby(deployment);
    }

    /** Waits until the deployment counts no connection at all, or fails. */
    public static void awaitNoConnections(URL deployment) {
        StatusPage.await(status(deployment), figures -> figures.getInt("connections") == 0);
    }

    /** The WebSocket address of {@code room} ({@code /wschat/wschat/{room}}), the name taken as is. */
    public static URI room(URL deployment, String room) {
        return URI.create(lobby(deployment) + "/" + room);
    }
}
