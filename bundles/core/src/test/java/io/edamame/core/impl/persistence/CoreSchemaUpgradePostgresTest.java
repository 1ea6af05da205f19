package io.edamame.core.impl.persistence;

import io.edamame.core.testing.DatabaseKind;

class CoreSchemaUpgradePostgresTest extends CoreSchemaUpgradeTestBase {

    CoreSchemaUpgradePostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
