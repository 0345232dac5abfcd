package io.objectkv.gateway.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StrongReadTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private final Deadlines deadlines = new Deadlines("test-deadlines");

  @AfterEach
  void stopTheWatchdog() {
    deadlines.close();
  }

  /** A replica whose state is at {@code position}, or that catches up to what it is asked. */
  private static final class Replica implements LongFunction<ReplicaHttp.Response> {
    final List<Long> asked = new ArrayList<>();
    final int status;
    long position;

    Replica(int status, long position) {
      this.status = status;
      this.position = position;
    }

    @Override
    public ReplicaHttp.Response apply(long minPosition) {
      asked.add(minPosition);
      position = Math.max(position, minPosition);
      return answer(status, position);
    }
  }

  private static ReplicaHttp.Response answer(int status, long position) {
    return new ReplicaHttp.Response(
        status, Map.of(Headers.LOG_POSITION, List.of(Long.toString(position))), new byte[0]);
  }

  @Test
  void anAnswerFromAtOrPastTheBarrierIsTheAnswer() {
    Replica replica = new Replica(200, 12);
    StrongRead.Answer a =
        StrongRead.read(CompletableFuture.completedFuture(12L), 5, replica, TIMEOUT, deadlines);
    assertFalse(a.askedAgain());
    assertEquals(List.of(5L), replica.asked, "one ask, with the hint");
    assertEquals("12", a.response().header(Headers.LOG_POSITION).orElseThrow());
  }

  @Test
  void anAnswerShortOfTheBarrierIsAskedAgainToReachIt() {
    for (int status : new int[] {200, 404, 304}) {
      Replica replica = new Replica(status, 7);
      StrongRead.Answer a =
          StrongRead.read(CompletableFuture.completedFuture(9L), 3, replica, TIMEOUT, deadlines);
      assertTrue(a.askedAgain(), "status " + status);
      assertEquals(List.of(3L, 9L), replica.asked);
      assertEquals(status, a.response().status());
      assertEquals("9", a.response().header(Headers.LOG_POSITION).orElseThrow());
    }
  }

  @Test
  void aReplicaThatStaysShortOfTheBarrierIsNotAnAnswer() {
    LongFunction<ReplicaHttp.Response> stuck = min -> answer(200, 4);
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                StrongRead.read(
                    CompletableFuture.completedFuture(9L), 0, stuck, TIMEOUT, deadlines));
    assertEquals(503, e.status());
  }

  @Test
  void refusalsAndTimeoutsAreRelayedWithoutWaitingForTheBarrier() {
    for (int status : new int[] {400, 504}) {
      ReplicaHttp.Response refusal = new ReplicaHttp.Response(status, Map.of(), new byte[0]);
      StrongRead.Answer a =
          StrongRead.read(new CompletableFuture<>(), 0, min -> refusal, TIMEOUT, deadlines);
      assertSame(refusal, a.response());
    }
  }

  @Test
  void aReplicaWithoutAPositionLookedTheBarrierUpItself() {
    // Replicas of the version before this one ignore the header and do the whole strong read.
    ReplicaHttp.Response old =
        new ReplicaHttp.Response(200, Map.of(), "v".getBytes(StandardCharsets.UTF_8));
    StrongRead.Answer a =
        StrongRead.read(CompletableFuture.completedFuture(100L), 0, min -> old, TIMEOUT, deadlines);
    assertSame(old, a.response());
    assertFalse(a.askedAgain());
  }

  @Test
  void aBarrierThatCannotBeFoundIs503() {
    Replica replica = new Replica(200, 50);
    ApiException failed =
        assertThrows(
            ApiException.class,
            () ->
                StrongRead.read(
                    CompletableFuture.failedFuture(new IllegalStateException("no broker")),
                    0,
                    replica,
                    TIMEOUT,
                    deadlines));
    assertEquals(503, failed.status());
    assertTrue(failed.getMessage().contains("no broker"), failed.getMessage());
  }

  @Test
  void aBarrierLateBeyondTheTimeoutIs503AndStaysSharedForTheReadsAfter() {
    Replica replica = new Replica(200, 50);
    CompletableFuture<Long> barrier = new CompletableFuture<>();
    long start = System.nanoTime();
    ApiException late =
        assertThrows(
            ApiException.class,
            () -> StrongRead.read(barrier, 0, replica, Duration.ofMillis(20), deadlines));
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(503, late.status());
    assertTrue(waitedMillis >= 20 && waitedMillis < 2000, waitedMillis + " ms");
    // The deadline ended this read's wait, not the lookup the other reads share.
    assertFalse(barrier.isDone());
    barrier.complete(40L);
    assertEquals(200, StrongRead.read(barrier, 0, replica, TIMEOUT, deadlines).response().status());
  }
}
