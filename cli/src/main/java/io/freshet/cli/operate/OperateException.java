package io.freshet.cli.operate;

import io.freshet.core.error.InputRejectedException;

/** A command against a stack that cannot go on, with the reason in words for the terminal. */
public final class OperateException extends InputRejectedException {
    public OperateException(String message) {
        super(message);
    }
}
