/**
 * Function configuration declared as types: a {@link io.freshet.core.settings.Setting} per
 * environment variable (name, type, default, description), a
 * {@link io.freshet.core.settings.FunctionSettings} per function listing them once, and a
 * {@link io.freshet.core.settings.SettingException} (a configuration error) naming the variable,
 * its value and what it expects. Depends on nothing but the JDK.
 */
package io.freshet.core.settings;
