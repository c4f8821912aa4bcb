package io.freshet.cli.operate;

/** A command against a stack that cannot go on, with the reason in words for the terminal. */
public final class OperateException extends RuntimeException {
    public OperateException(String message) {
        super(message);
    }
}
