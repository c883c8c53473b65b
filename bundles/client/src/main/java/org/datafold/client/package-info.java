/**
 * The Java client of the DataFold app socket ({@code docs/protocol.md}): {@link org.datafold.client.DataFoldClient}
 * connects over a Unix domain socket, authenticates with an Ed25519 {@link org.datafold.client.ClientKey} and
 * runs queries, mutations, history and schema operations. Needs only the JDK and Jackson; usable as a plain jar
 * or as an OSGi bundle.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package org.datafold.client;
