package io.edamame.core.impl.plugin;

import io.edamame.core.testing.DatabaseKind;

class PluginRegistryH2Test extends PluginRegistryTestBase {

    PluginRegistryH2Test() {
        super(DatabaseKind.H2);
    }
}
