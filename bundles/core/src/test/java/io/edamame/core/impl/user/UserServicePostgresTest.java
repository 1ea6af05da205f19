package io.edamame.core.impl.user;

import io.edamame.core.testing.DatabaseKind;

class UserServicePostgresTest extends UserServiceTestBase {

    UserServicePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
