package io.objectkv.writer.commit;

/** Monotonic time in nanoseconds, and a way to let some of it pass; tests pass a manual one. */
public interface NanoTime {
  long now();

  void sleep(long nanos);
}
