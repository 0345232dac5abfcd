package io.objectkv.core.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** An in-memory store for unit tests of one class; integration tests use a real S3 server. */
public final class InMemoryObjectStore implements ObjectStore {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

  private static byte[] read(Content content) {
    return switch (content) {
      case Content.Bytes b -> b.bytes().clone();
      case Content.File f -> {
        try {
          yield java.nio.file.Files.readAllBytes(f.path());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
  }

  @Override
  public void put(String key, Content content) {
    objects.put(key, read(content));
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    return objects.putIfAbsent(key, read(content)) == null;
  }

  @Override
  public byte[] get(String key) {
    byte[] b = objects.get(key);
    if (b == null) {
      throw new ObjectNotFoundException(key);
    }
    return b.clone();
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    byte[] b = get(key);
    int from = (int) Math.min(offset, b.length);
    return Arrays.copyOfRange(b, from, (int) Math.min(b.length, offset + length));
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    byte[] b = objects.get(key);
    return b == null ? Optional.empty() : Optional.of(new ObjectInfo(key, b.length, Instant.EPOCH));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return objects.tailMap(prefix).entrySet().stream()
        .takeWhile(e -> e.getKey().startsWith(prefix))
        .map(e -> new ObjectInfo(e.getKey(), e.getValue().length, Instant.EPOCH))
        .toList();
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
  }
}
