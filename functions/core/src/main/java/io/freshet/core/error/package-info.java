/**
 * Freshet's exception hierarchy: {@link io.freshet.core.error.FreshetException} and its kinds
 * (configuration, input rejected, transient, permanent, and adapter failures whose kind the
 * boundary decides), and {@link io.freshet.core.error.Failures}, which classifies any throwable.
 * Depends on nothing but the JDK; every module throws these, and the runner's retries and the
 * handlers' dead-lettering read their kinds.
 */
package io.freshet.core.error;
