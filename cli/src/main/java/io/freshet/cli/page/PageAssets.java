package io.freshet.cli.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The lineage page's HTML template, style and scripts: real files next to this class on the class
 * path ({@code src/main/resources/io/freshet/cli/page/}, which Maven copies unfiltered, so a
 * {@code ${...}} in them stays as written), read once when the class loads and inlined into every
 * page by {@link LineagePage} (nothing is fetched). A missing file fails the class's loading with
 * its name, not a page with a hole in it.
 */
final class PageAssets {

    private PageAssets() {
    }

    /**
     * The page with placeholders: {@code {{CAPTURE}}}, {@code {{CSS}}}, {@code {{DATA}}} and
     * {@code {{SCRIPT}}}.
     */
    static final String TEMPLATE = read("page.html");

    /** Runs first: records every error the page meets into {@code <pre id="errors">}. */
    static final String CAPTURE = read("capture.js");

    static final String CSS = read("page.css");

    /** Draws the graph from the embedded data and fills the panel on a click. */
    static final String SCRIPT = read("page.js");

    /** A resource next to this class, as UTF-8 text; an error naming it when it is not there. */
    static String read(String name) {
        try (InputStream in = PageAssets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the lineage page's " + name + " is not on the class path next to "
                        + PageAssets.class.getName() + " (expected in src/main/resources/io/freshet/cli/page/)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the lineage page's " + name, e);
        }
    }
}
