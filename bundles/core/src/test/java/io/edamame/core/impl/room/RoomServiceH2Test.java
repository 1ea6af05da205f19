package io.edamame.core.impl.room;

import io.edamame.core.testing.DatabaseKind;

class RoomServiceH2Test extends RoomServiceTestBase {

    RoomServiceH2Test() {
        super(DatabaseKind.H2);
    }
}
