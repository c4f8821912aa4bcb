package io.freshet.core.settings;

import io.freshet.core.error.ConfigurationException;

/** An environment variable a function needs is unset, or holds what it does not accept: fix the deployment. */
public final class SettingException extends ConfigurationException {

    private SettingException(String message, Setting<?> setting) {
        this(message, setting, null);
    }

    private SettingException(String message, Setting<?> setting, Throwable cause) {
        super(message, cause);
        with("variable", setting.name()).with("expects", setting.expects());
    }

    static SettingException missing(Setting<?> setting) {
        return new SettingException("environment variable " + setting.name() + " is not set (template.yaml sets it): "
                + setting.description(), setting);
    }

    /**
     * {@code value} is not what the setting accepts. The parser's own reason is kept when it says
     * where the text goes wrong (a JSON object's character, a URI's); a number's parser only
     * repeats the value, so its reason is left out.
     */
    static SettingException invalid(Setting<?> setting, String value, RuntimeException reason) {
        boolean tellsMore = reason.getMessage() != null && !(reason instanceof NumberFormatException);
        SettingException e = new SettingException("environment variable " + setting.name() + " must be " + setting.expects()
                + ", not '" + value + "'" + (tellsMore ? ": " + reason.getMessage() : ""), setting, reason);
        e.with("value", value);
        return e;
    }
}
