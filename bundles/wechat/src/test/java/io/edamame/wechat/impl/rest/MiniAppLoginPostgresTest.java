package io.edamame.wechat.impl.rest;

import io.edamame.core.testing.DatabaseKind;

class MiniAppLoginPostgresTest extends MiniAppLoginTestBase {

    MiniAppLoginPostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
