package io.edamame.core.impl.user;

import io.edamame.core.testing.DatabaseKind;

class UserServiceH2Test extends UserServiceTestBase {

    UserServiceH2Test() {
        super(DatabaseKind.H2);
    }
}
