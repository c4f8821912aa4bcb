package io.freshet.cli;

/** Output formats of {@code freshet graph}. Lower-case constants so users type them as shown. */
enum GraphFormat {
    mermaid, dot
}
