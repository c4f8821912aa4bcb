package io.freshet.state;

import io.freshet.core.events.AssetEvent;

/** A recorded asset event and whether it was announced. */
public record StoredEvent(AssetEvent event, boolean announced) {
}
