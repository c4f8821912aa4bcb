package io.freshet.state.protocol;

import java.util.Map;

/** Where the run protocol logs its decisions (the functions' JSON log lines). */
@FunctionalInterface
public interface ProtocolLog {

    void info(String message, Map<String, ?> fields);
}
