package io.objectkv.reader.follow;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds the barrier of a strong read: the manifest log's high watermark, every record any broker
 * has acknowledged. A read that waits until this reader's {@code read_committed} position passes it
 * has seen the outcome of every transaction that wrote a delta before the read arrived. (The last
 * stable offset is not enough with more than one broker: the markers of one transaction land on
 * each partition separately, so a write's outcome on the result log can be visible, and
 * acknowledged, before its delta is stable on the manifest log.) Each lookup is shared among the
 * reads that arrived before it was sent: a read never uses a lookup sent before it arrived.
 */
public final class CommittedEnd {
  private final CompletableFuture<Admin> admin;
  private final TopicPartition manifest;
  private CompletableFuture<Long> next;
  private boolean inFlight;

  public CommittedEnd(CompletableFuture<Admin> admin, String manifestTopic) {
    this.admin = admin;
    this.manifest = new TopicPartition(manifestTopic, 0);
  }

  /** The committed end as of a lookup sent after this call. */
  public synchronized CompletableFuture<Long> afterNow() {
    CompletableFuture<Long> mine = next;
    if (mine == null) {
      mine = next = new CompletableFuture<>();
      if (!inFlight) {
        send();
      }
    }
    return mine;
  }

  private synchronized void send() {
    CompletableFuture<Long> batch = next;
    next = null;
    inFlight = true;
    admin
        .join()
        .listOffsets(
            Map.of(manifest, OffsetSpec.latest()),
            new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
        .partitionResult(manifest)
        .whenComplete(
            (info, e) -> {
              if (e != null) {
                batch.completeExceptionally(e);
              } else {
                batch.complete(info.offset());
              }
              synchronized (CommittedEnd.this) {
                inFlight = false;
                if (next != null) {
                  send();
                }
              }
            });
  }
}
