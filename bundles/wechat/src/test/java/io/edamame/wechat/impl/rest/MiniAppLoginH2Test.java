package io.edamame.wechat.impl.rest;

import io.edamame.core.testing.DatabaseKind;

class MiniAppLoginH2Test extends MiniAppLoginTestBase {

    MiniAppLoginH2Test() {
        super(DatabaseKind.H2);
    }
}
