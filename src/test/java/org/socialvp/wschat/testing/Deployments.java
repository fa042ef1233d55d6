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

    /** The context path of the WAR as built, {@code wschat.war}. */
    public static final String CONTEXT = "wschat";

    private static final String CONTEXT_XML = "META-INF/context.xml";

    private Deployments() {
    }

    public static WebArchive wschat() {
        return wschat(Map.of());
    }

    /** The built WAR with {@code settings} as Tomcat context parameters that override web.xml. */
    public static WebArchive wschat(Map<String, String> settings) {
        return wschat(CONTEXT + ".war", settings);
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

    /**
     * The base address ({@code http://host:port/context/}) of the WAR {@code context} on the test
     * container, for deployments a test manages itself.
     */
    public static URI base(String context) {
        return base(Server.httpPort(), context);
    }

    /** The base address of the WAR {@code context} on the container listening on {@code port} of {@link Server#HOST}. */
    public static URI base(int port, String context) {
        return URI.create("http://" + Server.HOST + ":" + port + "/" + context + "/");
    }

    /** The base address of a deployment Arquillian made, on {@link Server#HOST} whatever address the container reports. */
    public static URI base(URL deployment) {
        return URI.create("http://" + Server.HOST + ":" + deployment.getPort() + deployment.getPath());
    }

    /** {@code GET /status} of the WAR at {@code base}. */
    public static URI status(URI base) {
        return base.resolve("status");
    }

    /** The WebSocket address of the lobby of the WAR at {@code base} ({@code ws://host:port/context/wschat}). */
    public static URI lobby(URI base) {
        return URI.create(contextRoot(base) + "/wschat");
    }

    /** The lobby of {@code wschat.war} on the test container, for deployments a test manages itself. */
    public static URI lobby() {
        return lobby(base(CONTEXT));
    }

    /** The WebSocket address of {@code room} ({@code .../wschat/{room}}) of the WAR at {@code base}, the name taken as is. */
    public static URI room(URI base, String room) {
        return URI.create(lobby(base) + "/" + room);
    }

    /** The WAR's context root as a WebSocket address ({@code ws://host:port/context}): where 2013 pages connect. */
    public static URI contextRoot(URI base) {
        return URI.create(base.toString().replaceFirst("^http", "ws").replaceFirst("/$", ""));
    }
}
