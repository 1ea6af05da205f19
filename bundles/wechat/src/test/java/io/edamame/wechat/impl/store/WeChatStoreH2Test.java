package io.edamame.wechat.impl.store;

import io.edamame.core.testing.DatabaseKind;

class WeChatStoreH2Test extends WeChatStoreTestBase {

    WeChatStoreH2Test() {
        super(DatabaseKind.H2);
    }
}
