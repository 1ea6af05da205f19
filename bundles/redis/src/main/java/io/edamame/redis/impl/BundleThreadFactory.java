package io.edamame.redis.impl;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Lettuce's and Netty's threads, named after the component that owns them and with this bundle's class
 * loader as their context class loader.
 *
 * <p>Netty starts its threads lazily, from whichever thread first hands them work, and a new thread inherits
 * that thread's context class loader: a caller's bundle could otherwise stay referenced by our I/O threads, and
 * Lettuce's class-presence checks ({@code LettuceClassUtils}, which ask the context class loader first) would
 * see that bundle's classes instead of ours.
 */
final class BundleThreadFactory extends DefaultThreadFactory {

    private final ClassLoader contextClassLoader;

    BundleThreadFactory(String poolName, ClassLoader contextClassLoader) {
        super(poolName, true);
        this.contextClassLoader = contextClassLoader;
    }

    @Override
    protected Thread newThread(Runnable task, String name) {
        Thread thread = super.newThread(task, name);
        thread.setContextClassLoader(contextClassLoader);
        return thread;
    }
}
