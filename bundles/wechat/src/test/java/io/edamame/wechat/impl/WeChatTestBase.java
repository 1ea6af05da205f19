package io.edamame.wechat.impl;

import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tests of the bundle in its {@link WeChatWorld}: one world per test class on a database of its own; each test works
 * in tenants (and so WeChat apps) of its own, and starts with the fake's records cleared.
 */
public abstract class WeChatTestBase extends DatabaseTest {

    protected WeChatWorld world;

    protected WeChatTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeAll
    protected final void buildWorld() {
        if (core != null) {
            world = new WeChatWorld(core);
        }
    }

    @BeforeEach
    protected final void clearRecords() {
        world.wechat.clearRecords();
    }

    @AfterAll
    protected final void closeWorld() throws Exception {
        if (world != null) {
            world.close();
        }
    }
}
