package io.edamame.core.impl.room;

import io.edamame.core.testing.DatabaseKind;

class RoomListH2Test extends RoomListTestBase {

    RoomListH2Test() {
        super(DatabaseKind.H2);
    }
}
