package io.edamame.media.impl.store;

import io.edamame.core.testing.DatabaseKind;

class MediaStorePostgresTest extends MediaStoreTestBase {

    MediaStorePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
