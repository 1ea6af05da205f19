package io.edamame.core.impl.plugin;

import io.edamame.core.testing.DatabaseKind;

class PluginSecretsH2Test extends PluginSecretsTestBase {

    PluginSecretsH2Test() {
        super(DatabaseKind.H2);
    }
}
