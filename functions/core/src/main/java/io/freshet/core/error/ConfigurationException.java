package io.freshet.core.error;

/** The project (pipelines, parameters) or the deployment (environment, secrets) is wrong: fix it and deploy again. */
public abstract non-sealed class ConfigurationException extends FreshetException {

    protected ConfigurationException(String message) {
        super(message, null);
    }

    protected ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.CONFIGURATION;
    }
}
