/**
 * Payments: the price of an operation for a caller ({@link org.datafold.payments.api.Payments}).
 */
@Version("1.0.0")
package org.datafold.payments.api;

import org.osgi.annotation.versioning.Version;
