package io.edamame.slides.impl;

import io.edamame.core.testing.DatabaseKind;

class SlideServiceH2Test extends SlideServiceTestBase {
    SlideServiceH2Test() {
        super(DatabaseKind.H2);
    }
}
