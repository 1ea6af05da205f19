package io.edamame.core.impl;

import io.edamame.core.testing.DatabaseKind;

class TenantIsolationPostgresTest extends TenantIsolationTestBase {

    TenantIsolationPostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
