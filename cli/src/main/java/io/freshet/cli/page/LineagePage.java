package io.freshet.cli.page;

import io.freshet.aws.json.EventJson;

/**
 * The lineage page: one self-contained HTML file (inline CSS and script, no network, no external
 * fonts) that draws the asset graph left to right, each asset coloured by its freshness, and on a
 * click shows the asset's latest events, the latest runs of the pipeline that writes it and its
 * newest checks. The data is a JSON object in a {@code <script type="application/json">}
 * element, so the page works from {@code file://} as well as from {@code freshet up}'s server.
 *
 * <p>{@code #select=ASSET} in the address selects an asset on load, by dispatching a click on its
 * node; a click on a node puts its name there, so a reload keeps the selection. Errors the page
 * meets (uncaught, unhandled rejections, {@code console.error}) are shown in {@code <pre id="errors">},
 * which stays empty and hidden when all is well.
 *
 * <p>The HTML, style and scripts are files in {@code src/main/resources/io/freshet/cli/page/}
 * (see {@link PageAssets}); this class only fills the template's placeholders.
 */
public final class LineagePage {

    private LineagePage() {
    }

    public static String render(PageData data) {
        return PageAssets.TEMPLATE
                .replace("{{CSS}}", PageAssets.CSS)
                .replace("{{CAPTURE}}", PageAssets.CAPTURE)
                .replace("{{SCRIPT}}", PageAssets.SCRIPT)
                .replace("{{DATA}}", embeddedJson(data));
    }

    /**
     * The data as JSON that cannot end its script element early: every {@code <}, {@code >} and
     * {@code &} is written as a JSON unicode escape, which {@code JSON.parse} reads back unchanged.
     */
    static String embeddedJson(PageData data) {
        return EventJson.write(data.json()).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }
}
