package io.edamame.slides.impl.store;

import io.edamame.core.testing.DatabaseKind;

class SlideStoreH2Test extends SlideStoreTestBase {
    SlideStoreH2Test() {
        super(DatabaseKind.H2);
    }
}
