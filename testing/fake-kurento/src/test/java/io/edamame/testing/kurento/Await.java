package io.edamame.testing.kurento;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a generous deadline passes; for asynchronous outcomes, never for timing. */
final class Await {

  static final Duration DEADLINE = Duration.ofSeconds(20);

  private Await() {
  }

  static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("Still not true after " + DEADLINE.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("Interrupted while waiting for: " + what);
      }
    }
  }
}
