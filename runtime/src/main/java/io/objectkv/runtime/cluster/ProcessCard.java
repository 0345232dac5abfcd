package io.objectkv.runtime.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ForwardingStore.Op;
import io.objectkv.core.store.MeteredObjectStore;
import java.util.EnumMap;

/**
 * What a process announces about itself every few seconds on {@code <db>.processes}: who it is,
 * where it answers, how far it has followed the manifest, and its counters since it started (object
 * store requests, writes committed, reads served). Counters restart at zero with the process.
 *
 * @param id this run of the process (a new one at every start)
 * @param role writer, compactor, reader or api-gateway
 * @param url where its HTTP server answers
 * @param startedAt when it started, epoch milliseconds
 * @param sentAt when this card was sent, epoch milliseconds
 * @param state what it is doing, in its role's words (a writer: active or standby)
 * @param manifestVersion the manifest it has applied (null if it does not follow the manifest)
 * @param writes operations it committed (the active writer)
 * @param reads keys and scans it served (a reader)
 * @param storedBytes bytes in the store at its last listing (a compactor; null otherwise)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProcessCard(
    String id,
    String role,
    String version,
    String url,
    long startedAt,
    long sentAt,
    String state,
    Long manifestVersion,
    StoreRequests store,
    long writes,
    long reads,
    Long storedBytes) {

  /** Object store requests by the kind S3 bills. */
  public record StoreRequests(
      long put, long get, long rangedGet, long head, long list, long delete) {
    public static final StoreRequests NONE = new StoreRequests(0, 0, 0, 0, 0, 0);

    /** The requests the metered stores of {@code metrics} sent. */
    public static StoreRequests of(Metrics metrics) {
      EnumMap<Op, Long> n = MeteredObjectStore.requests(metrics);
      return new StoreRequests(
          n.get(Op.PUT) + n.get(Op.PUT_IF_ABSENT),
          n.get(Op.GET),
          n.get(Op.RANGE_GET),
          n.get(Op.HEAD),
          n.get(Op.LIST),
          n.get(Op.DELETE) + n.get(Op.DELETE_ALL));
    }

    public StoreRequests plus(StoreRequests o) {
      return new StoreRequests(
          put + o.put,
          get + o.get,
          rangedGet + o.rangedGet,
          head + o.head,
          list + o.list,
          delete + o.delete);
    }

    /**
     * The requests sent since {@code earlier}, a card of the same process; a counter that went down
     * means a restart, and the whole new count is new.
     */
    public StoreRequests since(StoreRequests earlier) {
      return new StoreRequests(
          delta(put, earlier.put),
          delta(get, earlier.get),
          delta(rangedGet, earlier.rangedGet),
          delta(head, earlier.head),
          delta(list, earlier.list),
          delta(delete, earlier.delete));
    }
  }

  /** The increase of a counter from {@code earlier} to {@code now}, across a restart too. */
  public static long delta(long now, long earlier) {
    return now >= earlier ? now - earlier : now;
  }

  /** What a role adds to its card: everything else is the same for every process. */
  public record Progress(
      String state, Long manifestVersion, long writes, long reads, Long storedBytes) {
    public static Progress of(String state) {
      return new Progress(state, null, 0, 0, null);
    }
  }
}
