package io.objectkv.testkit.history;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Operations recorded by concurrent clients. Thread-safe. */
public final class History {
  private final List<Operation> ops = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();

  public Operation record(int client, Call call, Result result, long invoked, long completed) {
    Operation op = new Operation(ids.incrementAndGet(), client, call, result, invoked, completed);
    synchronized (ops) {
      ops.add(op);
    }
    return op;
  }

  public List<Operation> operations() {
    synchronized (ops) {
      return List.copyOf(ops);
    }
  }
}
