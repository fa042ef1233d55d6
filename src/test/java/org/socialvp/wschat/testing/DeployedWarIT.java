package org.socialvp.wschat.testing;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An integration test against the one WAR that Arquillian deploys for the whole class, over real
 * sockets: the addresses of that deployment, and every test starting from a quiet server.
 *
 * <p>A subclass declares the deployment itself, as a {@code @Deployment(testable = false) static
 * WebArchive war()} returning one of {@link Deployments#wschat}: Arquillian collects
 * {@code @Deployment} methods from the superclasses too, so one here would be a second deployment.
 *
 * <p>The tests of a class share the deployment, and a client closed at the end of one test may
 * still be leaving — and be heard leaving, with a {@code quit} — when the next test begins; so
 * each test begins once the deployment counts no connection at all.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class DeployedWarIT {

    @ArquillianResource
    private URL deployment;

    @BeforeEach
    protected void awaitQuietDeployment() {
        awaitNoConnections();
    }

    /** The deployment's base address, {@code http://127.0.0.1:port/context/}. */
    protected URI base() {
        return Deployments.base(deployment);
    }

    /** The WebSocket address of the lobby. */
    protected URI lobby() {
        return Deployments.lobby(base());
    }

    /** The WebSocket address of {@code room}, the name taken as is. */
    protected URI room(String room) {
        return Deployments.room(base(), room);
    }

    /** {@code GET /wschat/status}. */
    protected URI status() {
        return Deployments.status(base());
    }

    /** The status figures as they are now. */
    protected JsonObject figures() {
        return StatusPage.read(status());
    }

    /** Waits until the deployment counts no connection at all, or fails. */
    protected void awaitNoConnections() {
        StatusPage.await(status(), figures -> figures.getInt("connections") == 0);
    }
}
