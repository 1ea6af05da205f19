package io.edamame.core.impl.plugin;

import io.edamame.core.testing.DatabaseKind;

class PluginSecretsPostgresTest extends PluginSecretsTestBase {

    PluginSecretsPostgresTest() {
        super(DatabaseKind.POSTGRES);
    }
}
