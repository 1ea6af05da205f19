package io.edamame.testing.kurento.impl;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test asked for: the next N requests matching a key fail with a given error, or get no answer at all.
 * Keys are the invoke operation ({@code processOffer}), the JSON-RPC method of other requests ({@code create},
 * {@code release}, {@code connect}, ...), or {@code create:<Type>} for creating one type.
 */
final class FaultPlan {

  /** What happens to a matching request: an error (code and message), or silence when {@code code} is null. */
  record Fault(Integer code, String message) {
  }

  private static final class Pending {
    final Fault fault;
    final AtomicInteger remaining;

    Pending(Fault fault, int times) {
      this.fault = fault;
      this.remaining = new AtomicInteger(times);
    }
  }

  private final Map<String, Queue<Pending>> byKey = new ConcurrentHashMap<>();

  void add(String key, int times, Fault fault) {
    if (times <= 0) {
      throw new IllegalArgumentException("times must be positive: " + times);
    }
    byKey.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(new Pending(fault, times));
  }

  /** Takes one fault for the first matching key, or returns null. Cheap when no fault is planned. */
  Fault take(String... keys) {
    if (byKey.isEmpty()) {
      return null;
    }
    for (String key : keys) {
      Queue<Pending> queue = key == null ? null : byKey.get(key);
      if (queue == null) {
        continue;
      }
      for (Pending pending = queue.peek(); pending != null; pending = queue.peek()) {
        int left = pending.remaining.getAndDecrement();
        if (left > 0) {
          if (left == 1) {
            queue.remove(pending);
          }
          return pending.fault;
        }
        queue.remove(pending);
      }
    }
    return null;
  }

  void clear() {
    byKey.clear();
  }
}
