package io.edamame.media.impl.store;

import io.edamame.core.testing.DatabaseKind;

class MediaStoreH2Test extends MediaStoreTestBase {

    MediaStoreH2Test() {
        super(DatabaseKind.H2);
    }
}
