package io.edamame.danmaku.impl.fanout;

import java.util.concurrent.Executor;

/**
 * The threads that help the tick thread start the writes of large rooms: a write goes to the socket
 * on the thread that starts it, so one thread alone would bound how many viewers a tick can reach.
 *
 * @param executor runs a shard of a room's viewers
 * @param parallelism how many shards a room may be cut into, the tick thread's included
 */
record SendThreads(Executor executor, int parallelism) {
}
