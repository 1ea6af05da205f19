package io.edamame.wechat.impl.notify;

import io.edamame.core.testing.DatabaseKind;

class RoomStartSubscriptionsH2Test extends RoomStartSubscriptionsTestBase {

    RoomStartSubscriptionsH2Test() {
        super(DatabaseKind.H2);
    }
}
