package io.objectkv.gateway.read;

import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.Headers;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * A strong point read whose barrier the gateway looks up while the replica reads, instead of the
 * replica looking it up before it reads: the two round trips overlap.
 *
 * <p>Why the answer is linearizable: the barrier B is the manifest log's end as of a lookup sent
 * after the read arrived, so every write acknowledged before the read arrived has its delta below
 * B. The replica answers from a state that applied every record below its position P, and only
 * records below the log's end then. If P ≥ B, that state holds every such write, and it was the
 * log's committed state at some instant between the read's arrival and the answer. If P < B, the
 * replica is asked again, to wait until its position reaches B first.
 */
public final class StrongRead {
  private StrongRead() {}

  /**
   * @param barrier the log's end, from a lookup sent after the read arrived
   * @param hint a position the replica should reach before it reads (the end of what this gateway
   *     has seen of the log, so that a read of its own writes rarely needs a second ask); any value
   *     is safe
   * @param ask sends the read to a replica that waits until its position reaches the given value
   * @param timeout how long the barrier may take
   * @param deadlines where the wait for the barrier sets its deadline
   */
  public static Answer read(
      CompletableFuture<Long> barrier,
      long hint,
      LongFunction<ReplicaHttp.Response> ask,
      Duration timeout,
      Deadlines deadlines) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ReplicaHttp.Response first = ask.apply(hint);
    if (!isRead(first)) {
      return new Answer(first, false); // a refusal or a timeout does not depend on the barrier
    }
    long end = end(barrier, deadline, deadlines);
    OptionalLong position = position(first);
    if (position.isEmpty() || position.getAsLong() >= end) {
      // No position: a replica of a version before this one looked the barrier up itself.
      return new Answer(first, false);
    }
    ReplicaHttp.Response again = ask.apply(end);
    if (isRead(again) && position(again).orElse(-1) < end) {
      throw ApiException.unavailable(
          "the replica answered a strong read from manifest-log position "
              + position(again).orElse(-1)
              + ", short of its barrier "
              + end);
    }
    return new Answer(again, true);
  }

  /** The replica's answer, and whether it took a second ask. */
  public record Answer(ReplicaHttp.Response response, boolean askedAgain) {}

  /** An answer from the replica's state: a value, its absence, or not modified. */
  private static boolean isRead(ReplicaHttp.Response r) {
    return r.status() == 200 || r.status() == 404 || r.status() == 304;
  }

  private static OptionalLong position(ReplicaHttp.Response r) {
    try {
      return r.header(Headers.LOG_POSITION)
          .map(v -> OptionalLong.of(Long.parseLong(v)))
          .orElse(OptionalLong.empty());
    } catch (NumberFormatException e) {
      throw ApiException.unavailable(
          "the replica sent an unreadable " + Headers.LOG_POSITION + ": " + e.getMessage());
    }
  }

  /**
   * The barrier, waited for until {@code deadline}. The barrier is shared among reads, so the
   * deadline ends a copy of it; the lookup's own timeout bounds the copies left on it.
   */
  private static long end(CompletableFuture<Long> barrier, long deadline, Deadlines deadlines) {
    if (barrier.isDone()) {
      return await(barrier);
    }
    CompletableFuture<Long> mine = barrier.copy();
    Deadlines.Deadline expiry =
        deadlines.at(
            deadline,
            () ->
                mine.completeExceptionally(
                    new TimeoutException("no answer to the lookup in time")));
    try {
      return await(mine);
    } finally {
      expiry.cancel();
    }
  }

  private static long await(CompletableFuture<Long> end) {
    try {
      return end.get();
    } catch (ExecutionException e) {
      throw ApiException.unavailable(
          "cannot find the end of the manifest log for a strong read: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted");
    }
  }
}
