package io.edamame.testing.kurento.impl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Objects created and released per type, over the fake's whole life (a crash does not reset them). */
final class Statistics {

  private final Map<String, LongAdder> created = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> released = new ConcurrentHashMap<>();

  void created(MediaObjectType type) {
    created.computeIfAbsent(type.remoteName(), name -> new LongAdder()).increment();
  }

  void released(MediaObjectType type) {
    released.computeIfAbsent(type.remoteName(), name -> new LongAdder()).increment();
  }

  long created(String type) {
    return count(created, type);
  }

  long released(String type) {
    return count(released, type);
  }

  private static long count(Map<String, LongAdder> counters, String type) {
    if (type == null) {
      return counters.values().stream().mapToLong(LongAdder::sum).sum();
    }
    LongAdder counter = counters.get(type);
    return counter == null ? 0 : counter.sum();
  }
}
