package io.freshet.local.page;

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
 */
public final class LineagePage {

    private LineagePage() {
    }

    public static String render(PageData data) {
        return TEMPLATE
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

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Freshet lineage</title>
            <script>{{CAPTURE}}</script>
            <style>{{CSS}}</style>
            </head>
            <body>
            <pre id="errors" hidden></pre>
            <header>
              <h1>Freshet lineage</h1>
              <div id="meta"></div>
              <ul id="legend" aria-label="legend"></ul>
            </header>
            <main>
              <div id="canvas"><noscript>The lineage page draws the graph with JavaScript; allow it for this file.</noscript><svg id="graph" role="img" aria-label="the asset graph"></svg></div>
              <aside id="panel" aria-live="polite"><p class="hint">Click an asset to see its latest events, the runs that made it and its checks.</p></aside>
            </main>
            <script type="application/json" id="freshet-data">{{DATA}}</script>
            <script>{{SCRIPT}}</script>
            </body>
            </html>
            """;
}
