package io.objectkv.compactor.merge;

import io.objectkv.compactor.plan.CompactionJob;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.read.ConcatIterator;
import io.objectkv.core.read.MergingIterator;
import io.objectkv.core.read.RangeTombstones;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.OutcomeUnknownException;
import io.objectkv.format.Entry;
import io.objectkv.format.RangeTombstone;
import io.objectkv.format.SstMetadata;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.SstSummary;
import io.objectkv.format.SstWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a compaction: merges its inputs (newest version wins) and applies their range tombstones.
 * Into L1, it drops tombstones of both kinds and expired values (L1 is the last level, and the job
 * holds every older version of their keys: the oldest L0 objects and every L1 object their key
 * bounds, ranges included, overlap), and writes the result as L1 objects of about the target size.
 * Into L0, older versions of the keys stay below it, so it keeps tombstones (range tombstones too)
 * and expired values, which hide them, and writes one object. Streams: two read-ahead windows per
 * input (one merged, one fetched), one output object on local disk being written and one being
 * uploaded.
 */
public final class CompactionMerger {
  private final ObjectStore store;
  private final Path tempDir;
  private final SstOptions sstOptions;
  private final long targetBytes;
  private final int readAhead;
  private final KeptOutputs kept;

  /** What a compaction produced. */
  public record Result(
      List<SstInfo> outputs, long bytesRead, long bytesWritten, long entriesIn, long entriesOut) {
    public List<String> outputKeys() {
      return outputs.stream().map(SstInfo::key).toList();
    }
  }

  /**
   * Called between the steps of a compaction ("output-written", "output-uploaded", and "merging"
   * every {@link #PROGRESS_ENTRIES} entries); tests throw from it to simulate a crash, the
   * compactor beats its liveness.
   */
  @FunctionalInterface
  public interface Step {
    void reached(String step);

    Step NONE = step -> {};
  }

  /** Told of each output once it is in the store, before the compaction is submitted. */
  @FunctionalInterface
  public interface Uploaded {
    void uploaded(SstInfo output);

    Uploaded NONE = output -> {};
  }

  /** Names output {@code n} of a compaction. */
  @FunctionalInterface
  public interface OutputNames {
    String name(int n);
  }

  static final int PROGRESS_ENTRIES = 1 << 16;

  public CompactionMerger(
      ObjectStore store,
      Path tempDir,
      SstOptions sstOptions,
      long targetBytes,
      int readAhead,
      KeptOutputs kept) {
    this.store = store;
    this.tempDir = tempDir;
    this.sstOptions = sstOptions;
    this.targetBytes = targetBytes;
    this.readAhead = readAhead;
    this.kept = kept;
  }

  /**
   * Read-ahead windows of all inputs together stay within this (each at least 64 KiB); an input
   * holds two: the one being merged and the next one, fetched meanwhile. The L1 run takes two full
   * windows; the L0 inputs share the rest.
   */
  static final long WINDOW_BUDGET = 128L << 20;

  /** Ranged GETs in flight at once: enough to hide S3 latency behind the merge. */
  private static final int PREFETCH_THREADS = 8;

  /**
   * @param expiredByMillis values expiring at or before this are dropped: the compaction's start in
   *     log time, before every batch the writer decides after it, so conditions agree
   */
  public Result merge(
      CompactionJob job, OutputNames names, Step step, Uploaded uploaded, long expiredByMillis) {
    ExecutorService prefetch =
        Executors.newFixedThreadPool(
            PREFETCH_THREADS, r -> Thread.ofPlatform().name("prefetch").daemon().unstarted(r));
    ExecutorService upload =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("output-upload").daemon().unstarted(r));
    try {
      return merge(job, names, step, uploaded, expiredByMillis, prefetch, upload);
    } finally {
      prefetch.shutdownNow();
      upload.shutdownNow();
    }
  }

  private Result merge(
      CompactionJob job,
      OutputNames names,
      Step step,
      Uploaded uploaded,
      long expiredByMillis,
      ExecutorService prefetch,
      ExecutorService upload) {
    AtomicLong bytesRead = new AtomicLong();
    // L1 inputs are read one after the other, in full read-ahead windows: reading all of L1 in
    // small windows was a third of the S3 requests of a steady write load. L0 inputs share the
    // rest of the budget (most are small, or kept on local disk).
    long l0Budget = WINDOW_BUDGET - (job.l1().isEmpty() ? 0 : 2L * readAhead);
    int window =
        l0Window(job.l0().stream().mapToLong(SstInfo::sizeBytes).toArray(), l0Budget, readAhead);
    // An L0 input no larger than two windows costs one GET whole, where the tail and then the data
    // would cost at least two (group commits' objects, most of a tier merge's inputs), and holds
    // no more memory than two windows would. L1 inputs are read one after the other, so not whole
    // at opening.
    List<SstReader> l0 = openAll(job.l0(), bytesRead, window, 2L * window, prefetch);
    List<Iterator<Entry>> sources = new ArrayList<>();
    // Newest L0 first: on equal versions (never, in practice) the newer object wins.
    for (int i = l0.size() - 1; i >= 0; i--) {
      sources.add(l0.get(i).scan(null, null, false));
    }
    if (!job.l1().isEmpty()) {
      sources.add(
          ConcatIterator.sortedRun(
              openAll(job.l1(), bytesRead, readAhead, READ_WHOLE_BYTES, prefetch),
              null,
              null,
              false));
    }
    List<RangeTombstone> ranges = new ArrayList<>();
    l0.forEach(r -> ranges.addAll(r.metadata().rangeTombstones()));
    RangeTombstones deleted = new RangeTombstones(ranges);
    boolean lastLevel = job.into() == ManifestEdit.Level.L1;
    Output out =
        new Output(
            names,
            step,
            uploaded,
            upload,
            job.into(),
            lastLevel ? targetBytes : Long.MAX_VALUE,
            lastLevel ? List.of() : ranges);
    long in = 0;
    Iterator<Entry> merged = new MergingIterator(sources, false);
    // Into L1, what a range hides becomes a tombstone and goes with the rest of them; into L0,
    // it just goes: the range tombstone, kept, hides the older versions below.
    for (Iterator<Entry> it = lastLevel ? deleted.apply(merged) : merged; it.hasNext(); ) {
      Entry e = it.next();
      if (++in % PROGRESS_ENTRIES == 0) {
        step.reached("merging");
      }
      boolean keep =
          lastLevel
              ? !e.absentAt(expiredByMillis)
              : e.version() >= deleted.coveringVersion(e.key());
      if (keep) {
        out.add(e);
      }
    }
    out.finish();
    return new Result(out.outputs, bytesRead.get(), out.bytesWritten, in, out.entries);
  }

  /**
   * The read-ahead window of L0 inputs of these sizes that share {@code budget}: each holds the
   * least of its size (read whole) and two windows, so small inputs leave their share to large ones
   * (a 2 MB group commit among tier merges' outputs is read in one GET, not in ranges sized for the
   * largest).
   */
  static int l0Window(long[] sizes, long budget, int readAhead) {
    long[] sorted = sizes.clone();
    Arrays.sort(sorted);
    long left = budget;
    long level = Long.MAX_VALUE; // most bytes an input holds: its size, or two windows
    for (int i = 0; i < sorted.length; i++) {
      long share = left / (sorted.length - i);
      if (sorted[i] > share) {
        level = share;
        break;
      }
      left -= sorted[i];
    }
    return (int) Math.max(MIN_WINDOW, Math.min(Math.min(readAhead, L0_READ_AHEAD), level / 2));
  }

  /**
   * The largest window of an L0 input. Larger L1 windows save requests (an L1 object is read once
   * per compaction into L1, in full windows); L0 inputs are mostly small or kept on local disk, and
   * tier merges run side by side with one into L1, so their windows stay this size.
   */
  static final int L0_READ_AHEAD = 8 << 20;

  /** Windows are never smaller than this, whatever the number of inputs. */
  static final int MIN_WINDOW = 64 << 10;

  /** Objects this small are read whole, in one GET, whatever their window: metadata and data. */
  static final long READ_WHOLE_BYTES = SstMetadata.DEFAULT_TAIL_READ;

  /** Metadata reads in flight at once when a compaction opens its inputs. */
  private static final int OPEN_PARALLELISM = 32;

  /**
   * Opens the inputs, their metadata read in parallel: a job of a thousand small L0 objects would
   * otherwise wait for a thousand GETs one after the other.
   */
  private List<SstReader> openAll(
      List<SstInfo> infos, AtomicLong bytesRead, int window, long wholeUpTo, Executor prefetch) {
    Semaphore permits = new Semaphore(OPEN_PARALLELISM);
    try (ExecutorService opening = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<SstReader>> readers = new ArrayList<>(infos.size());
      for (SstInfo info : infos) {
        readers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  permits.acquireUninterruptibly();
                  try {
                    return open(info, bytesRead, window, wholeUpTo, prefetch);
                  } finally {
                    permits.release();
                  }
                },
                opening));
      }
      return readers.stream().map(Futures::join).toList();
    }
  }

  private SstReader open(
      SstInfo info, AtomicLong bytesRead, int window, long wholeUpTo, Executor prefetch) {
    InputBytes input = new InputBytes(store, info.key(), kept, bytesRead);
    if (info.sizeBytes() <= Math.max(READ_WHOLE_BYTES, wholeUpTo)) {
      return SstReader.of(info.key(), input.whole());
    }
    SstMetadata meta = SstMetadata.read(info.key(), info.sizeBytes(), input::range);
    return new SstReader(meta, new SequentialBlockLoader(input, meta, window, prefetch));
  }

  /**
   * The run of output objects, each written to a temp file and uploaded in the background while the
   * next one is written: at most one in the making and one uploading, uploaded in order.
   */
  private final class Output {
    private final OutputNames names;
    private final Step step;
    private final Uploaded uploaded;
    private final ExecutorService upload;
    private final ManifestEdit.Level level;
    private final long cutAt;
    private final List<RangeTombstone> rangeTombstones;
    private final List<SstInfo> outputs = new ArrayList<>();
    private CompletableFuture<Void> uploading = CompletableFuture.completedFuture(null);
    private Path file;
    private OutputStream stream;
    private SstWriter writer;
    private long bytesWritten;
    private long entries;

    /**
     * @param cutAt an object is finished once it reaches this size
     * @param rangeTombstones kept in the (single) output
     */
    Output(
        OutputNames names,
        Step step,
        Uploaded uploaded,
        ExecutorService upload,
        ManifestEdit.Level level,
        long cutAt,
        List<RangeTombstone> rangeTombstones) {
      this.names = names;
      this.step = step;
      this.uploaded = uploaded;
      this.upload = upload;
      this.level = level;
      this.cutAt = cutAt;
      this.rangeTombstones = rangeTombstones;
      if (!rangeTombstones.isEmpty() && cutAt != Long.MAX_VALUE) {
        throw new IllegalArgumentException("range tombstones are kept only in a single output");
      }
    }

    void add(Entry e) {
      open();
      writer.add(e);
      entries++;
      if (writer.estimatedSize() >= cutAt) {
        close();
      }
    }

    private void open() {
      if (writer == null) {
        try {
          Files.createDirectories(tempDir);
          file = Files.createTempFile(tempDir, "compaction-", ".sst");
          stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        } catch (IOException ex) {
          throw new UncheckedIOException("cannot create a compaction output in " + tempDir, ex);
        }
        writer = new SstWriter(stream, sstOptions);
      }
    }

    /** Finishes the current object and starts its upload once the previous one is done. */
    private void close() {
      SstSummary summary = writer.finish();
      Path written = file;
      writer = null;
      try {
        stream.close();
        step.reached("output-written");
      } catch (IOException ex) {
        deleteQuietly(written);
        throw new UncheckedIOException(ex);
      } catch (RuntimeException ex) {
        deleteQuietly(written);
        throw ex;
      }
      Futures.join(uploading);
      String key = names.name(outputs.size());
      uploading = CompletableFuture.runAsync(() -> upload(key, written, summary), upload);
    }

    private void upload(String key, Path written, SstSummary summary) {
      boolean ours = false;
      try {
        ours = created(key, written);
        if (!ours) {
          throw new IllegalStateException("compaction output name " + key + " is taken");
        }
        SstInfo output = SstInfo.of(key, summary);
        outputs.add(output);
        bytesWritten += summary.sizeBytes();
        uploaded.uploaded(output);
        step.reached("output-uploaded");
      } finally {
        if (ours) {
          kept.keep(key, written, level);
        } else {
          deleteQuietly(written);
        }
      }
    }

    /**
     * Creates the output with put-if-absent. Its name is this compaction's alone, so when the
     * outcome is unknown, finding an object of its size under the name means it is ours.
     */
    private boolean created(String key, Path written) {
      try {
        return store.putIfAbsent(key, Content.of(written));
      } catch (OutcomeUnknownException e) {
        long size;
        try {
          size = Files.size(written);
        } catch (IOException io) {
          throw new UncheckedIOException(io);
        }
        var there = store.head(key);
        if (there.isPresent()) {
          return there.get().size() == size;
        }
        return store.putIfAbsent(key, Content.of(written));
      }
    }

    void finish() {
      if (!rangeTombstones.isEmpty()) {
        open(); // an object of range tombstones alone, when they hid every entry
        rangeTombstones.forEach(writer::addRangeTombstone);
      }
      if (writer != null) {
        close();
      }
      Futures.join(uploading);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temp file left behind is harmless
    }
  }
}
