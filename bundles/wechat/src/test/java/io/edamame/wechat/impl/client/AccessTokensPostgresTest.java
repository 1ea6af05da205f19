package io.edamame.wechat.impl.client;

import io.edamame.core.testing.DatabaseKind;

class AccessTokensPostgresTest extends AccessTokensTestBase {

    AccessTokensPostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
