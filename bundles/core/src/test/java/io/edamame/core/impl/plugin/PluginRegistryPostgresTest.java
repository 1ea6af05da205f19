package io.edamame.core.impl.plugin;

import io.edamame.core.testing.DatabaseKind;

class PluginRegistryPostgresTest extends PluginRegistryTestBase {

    PluginRegistryPostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
