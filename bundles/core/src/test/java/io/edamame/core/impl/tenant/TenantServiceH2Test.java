package io.edamame.core.impl.tenant;

import io.edamame.core.testing.DatabaseKind;

class TenantServiceH2Test extends TenantServiceTestBase {

    TenantServiceH2Test() {
        super(DatabaseKind.H2);
    }
}
