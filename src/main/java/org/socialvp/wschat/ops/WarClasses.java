package org.socialvp.wschat.ops;

import jakarta.servlet.ServletContext;
import java.util.Set;

/**
 * Loads every class of the WAR's own code when it starts.
 *
 * <p>Payara stops the web application's class loader while the application is being undeployed,
 * and the listener that closes every connection may still be running then: a class first needed
 * on the way out (the reason of a close, say, when nobody had been closed before) no longer loads
 * ({@code IllegalStateException: This web container has not yet been started}), the shutdown stops
 * half-way, and the viewers see their connections drop (1006) instead of a 1001 they reconnect
 * after. Loading the classes up front costs a few milliseconds once; they are only loaded here,
 * not initialized.
 */
final class WarClasses {

    private static final String CLASSES = "/WEB-INF/classes/";

    private WarClasses() {
    }

    static void loadAll(ServletContext context) {
        load(context, CLASSES, WarClasses.class.getClassLoader());
    }

    private static void load(ServletContext context, String folder, ClassLoader loader) {
        Set<String> paths = context.getResourcePaths(folder);
        if (paths == null) {
            return;
        }
        for (String path : paths) {
            if (path.endsWith("/")) {
                load(context, path, loader);
            } else if (path.endsWith(".class")) {
                String name = path.substring(CLASSES.length(), path.length() - ".class".length()).replace('/', '.');
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // Not ours to load (or not loadable here); it would fail the same way later.
                }
            }
        }
    }
}
