package org.socialvp.wschat.testing;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR that Maven built ({@code target/wschat.war}), as the integration tests deploy it: the
 * same bytes a user drops into {@code webapps/}, optionally with settings in a
 * {@code META-INF/context.xml}, the way an operator overrides them on Tomcat.
 */
public final class Deployments {

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
        if (!settings.isEmpty()) {
            StringBuilder context = new StringBuilder("<Context>\n");
            settings.forEach((key, value) -> context.append("  <Parameter name=\"").append(key)
                    .append("\" value=\"").append(value).append("\" override=\"false\"/>\n"));
            context.append("</Context>\n");
            war.addAsManifestResource(new StringAsset(context.toString()), "context.xml");
        }
        return war;
    }

    /** The WebSocket address of the lobby on the test Tomcat, for deployments the test manages itself. */
    public static URI lobby() {
        return URI.create("ws://127.0.0.1:" + System.getProperty("tomcat.http.port") + "/wschat/wschat");
    }

    /** The WebSocket address of the lobby, from the deployment's HTTP base URL. */
    public static URI lobby(URL deployment) {
        return URI.create(deployment.toString().replaceFirst("^http", "ws") + "wschat");
    }

    /** The WebSocket address of {@code room} ({@code /wschat/wschat/{room}}), the name taken as is. */
    public static URI room(URL deployment, String room) {
        return URI.create(lobby(deployment) + "/" + room);
    }
}
