package io.edamame.core.impl.room;

import io.edamame.core.testing.DatabaseKind;

class RoomListPostgresTest extends RoomListTestBase {

    RoomListPostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
