package io.edamame.wechat.impl.client;

import io.edamame.core.testing.DatabaseKind;

class AccessTokensH2Test extends AccessTokensTestBase {

    AccessTokensH2Test() {
        super(DatabaseKind.H2);
    }
}
