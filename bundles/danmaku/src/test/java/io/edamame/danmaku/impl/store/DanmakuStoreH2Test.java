package io.edamame.danmaku.impl.store;

import io.edamame.core.testing.DatabaseKind;

class DanmakuStoreH2Test extends DanmakuStoreTestBase {
    DanmakuStoreH2Test() {
        super(DatabaseKind.H2);
    }
}
