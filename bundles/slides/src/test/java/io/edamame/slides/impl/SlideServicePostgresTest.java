package io.edamame.slides.impl;

import io.edamame.core.testing.DatabaseKind;

class SlideServicePostgresTest extends SlideServiceTestBase {
    SlideServicePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
