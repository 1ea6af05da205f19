package io.edamame.core.impl.tenant;

import io.edamame.core.testing.DatabaseKind;

class TenantServicePostgresTest extends TenantServiceTestBase {

    TenantServicePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
