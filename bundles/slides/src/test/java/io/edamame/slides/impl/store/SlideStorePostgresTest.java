package io.edamame.slides.impl.store;

import io.edamame.core.testing.DatabaseKind;

class SlideStorePostgresTest extends SlideStoreTestBase {
    SlideStorePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
