package io.edamame.wechat.impl.notify;

import io.edamame.core.testing.DatabaseKind;

class RoomStartSubscriptionsPostgresTest extends RoomStartSubscriptionsTestBase {

    RoomStartSubscriptionsPostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
