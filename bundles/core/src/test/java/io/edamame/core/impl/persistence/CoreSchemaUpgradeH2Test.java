package io.edamame.core.impl.persistence;

import io.edamame.core.testing.DatabaseKind;

class CoreSchemaUpgradeH2Test extends CoreSchemaUpgradeTestBase {

    CoreSchemaUpgradeH2Test() {
        super(DatabaseKind.H2);
    }
}
