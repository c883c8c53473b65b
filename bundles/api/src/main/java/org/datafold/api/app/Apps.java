package org.datafold.api.app;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The apps the node hosts. A bundle is an app when its manifest has the {@link #HEADER} header:
 * <pre>DataFold-App: notes;name="Notes"</pre>
 * optionally with the app's own public key ({@code key="<base64 Ed25519>"}); without one the node
 * creates a key pair for the app id on first start and keeps it. Every call an app makes through
 * its {@link org.datafold.api.FoldNode} carries that identity.
 */
@ProviderType
public interface Apps {

    /** The manifest header declaring an app. */
    String HEADER = "DataFold-App";

    /** Every app bundle installed, by id. */
    List<AppInfo> list();

    /** One app; {@code NOT_FOUND} when no installed bundle declares it. */
    AppInfo get(String id);
}
