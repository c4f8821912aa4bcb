package io.freshet.core.settings;

import io.freshet.core.error.ConfigurationException;

/** An environment variable a function needs is unset, or holds what it does not accept: fix the deployment. */
public final class SettingException extends ConfigurationException {

    private SettingException(String message, Setting<?> setting) {
        super(message);
        with("variable", setting.name()).with("expects", setting.expects());
    }

    static SettingException missing(Setting<?> setting) {
        return new SettingException("environment variable " + setting.name() + " is not set (template.yaml sets it): "
                + setting.description(), setting);
    }

    static SettingException invalid(Setting<?> setting, String value) {
        SettingException e = new SettingException("environment variable " + setting.name() + " must be " + setting.expects()
                + ", not '" + value + "'", setting);
        e.with("value", value);
        return e;
    }
}
