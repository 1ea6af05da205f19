package io.edamame.testing.kurento.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.edamame.testing.kurento.RecordedCall;

/**
 * The most recent requests answered, bounded so that a benchmark can run for long. Parameters are kept as the
 * parsed tree and converted to plain Java values only when a test reads them, which keeps the request path cheap.
 */
final class CallLog {

  private record Entry(long sequence, String sessionId, String method, String objectId, String operation,
      JsonNode params, Integer errorCode) {
  }

  private final int capacity;
  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();

  CallLog(int capacity) {
    this.capacity = capacity;
  }

  void record(String sessionId, String method, String objectId, String operation, JsonNode params,
      Integer errorCode) {
    if (capacity <= 0) {
      return;
    }
    entries.add(new Entry(sequence.incrementAndGet(), sessionId, method, objectId, operation, params, errorCode));
    if (size.incrementAndGet() > capacity && entries.poll() != null) {
      size.decrementAndGet();
    }
  }

  List<RecordedCall> calls() {
    List<RecordedCall> calls = new ArrayList<>();
    for (Entry entry : entries) {
      calls.add(new RecordedCall(entry.sequence(), entry.sessionId(), entry.method(), entry.objectId(),
          entry.operation(), Collections.unmodifiableMap(Json.toMap(entry.params())), entry.errorCode()));
    }
    return calls;
  }

  void clear() {
    while (entries.poll() != null) {
      size.decrementAndGet();
    }
  }
}
