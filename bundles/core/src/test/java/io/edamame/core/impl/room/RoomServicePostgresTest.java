package io.edamame.core.impl.room;

import io.edamame.core.testing.DatabaseKind;

class RoomServicePostgresTest extends RoomServiceTestBase {

    RoomServicePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
