package io.edamame.wechat.impl.store;

import io.edamame.core.testing.DatabaseKind;

class WeChatStorePostgresTest extends WeChatStoreTestBase {

    WeChatStorePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
