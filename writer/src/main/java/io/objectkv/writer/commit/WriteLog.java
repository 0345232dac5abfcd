package io.objectkv.writer.commit;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The one partition of a database's write log, as its active writer reads it: records from a
 * position on, and where the log begins and ends. Either a consumer of its own ({@link #of}) or a
 * share of a consumer that reads many databases' logs.
 */
public interface WriteLog {
  /** The partition. */
  TopicPartition partition();

  /** Records that arrived, in log order; empty if none did within {@code timeout}. */
  List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout);

  /** Reads from {@code offset} on (and not before this call: the log starts paused). */
  void seek(long offset);

  /** The first offset the log still holds. */
  long beginningOffset();

  /** The offset the next record appended will get. */
  long endOffset();

  /** The partition of a consumer that reads only it. */
  static WriteLog of(Consumer<byte[], byte[]> consumer, TopicPartition partition) {
    return new WriteLog() {
      @Override
      public TopicPartition partition() {
        return partition;
      }

      @Override
      public List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
        return consumer.poll(timeout).records(partition);
      }

      @Override
      public void seek(long offset) {
        consumer.seek(partition, offset);
        consumer.resume(List.of(partition));
      }

      @Override
      public long beginningOffset() {
        return consumer.beginningOffsets(List.of(partition)).get(partition);
      }

      @Override
      public long endOffset() {
        return consumer.endOffsets(List.of(partition)).get(partition);
      }
    };
  }
}
