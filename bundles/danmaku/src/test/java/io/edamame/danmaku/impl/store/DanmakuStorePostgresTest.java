package io.edamame.danmaku.impl.store;

import io.edamame.core.testing.DatabaseKind;

class DanmakuStorePostgresTest extends DanmakuStoreTestBase {
    DanmakuStorePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
