/**
 * Requests and results of the data operations: queries, mutations, history, and the caller
 * identity every request carries.
 */
@Version("1.1.0")
package org.datafold.api.query;

import org.osgi.annotation.versioning.Version;
