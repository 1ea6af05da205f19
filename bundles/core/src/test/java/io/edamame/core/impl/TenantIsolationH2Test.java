package io.edamame.core.impl;

import io.edamame.core.testing.DatabaseKind;

class TenantIsolationH2Test extends TenantIsolationTestBase {

    TenantIsolationH2Test() {
        super(DatabaseKind.H2);
    }
}
