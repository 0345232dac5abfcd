package io.objectkv.ycsb;

import io.objectkv.client.ConditionFailedException;
import io.objectkv.client.Consistency;
import io.objectkv.client.KeyValue;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.ObjectKvException;
import io.objectkv.client.Precondition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Vector;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB over ObjectKV. A record is one value under {@code <table>/<key>}: its fields encoded as
 * {@code count u16, then (name_length u16, name, value_length u32, value)*}. Updates of some fields
 * are a read followed by a compare-and-set on the version, retried on conflict, so concurrent
 * updates never lose each other's fields.
 *
 * <p>Properties: {@code objectkv.url} (default http://127.0.0.1:8080), {@code objectkv.consistency}
 * ({@code eventual} or {@code strong}, default eventual), {@code objectkv.db} (a database; default:
 * the default one), {@code objectkv.token}.
 */
public final class ObjectKvDb extends DB {
  private ObjectKvClient client;
  private Consistency consistency;

  @Override
  public void init() throws DBException {
    String url = getProperties().getProperty("objectkv.url", "http://127.0.0.1:8080");
    consistency =
        "strong".equals(getProperties().getProperty("objectkv.consistency", "eventual"))
            ? Consistency.strong()
            : Consistency.eventual();
    client =
        ObjectKvClient.builder(url)
            .token(getProperties().getProperty("objectkv.token", System.getenv("OBJECTKV_TOKEN")))
            .database(getProperties().getProperty("objectkv.db", ""))
            .build();
  }

  @Override
  public void cleanup() {
    if (client != null) {
      client.close();
    }
  }

  private static byte[] key(String table, String key) {
    return (table + "/" + key).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] encode(Map<String, ByteIterator> fields) {
    Map<String, byte[]> raw = new LinkedHashMap<>();
    fields.forEach((k, v) -> raw.put(k, v.toArray()));
    return encodeRaw(raw);
  }

  static byte[] encodeRaw(Map<String, byte[]> fields) {
    int size = 2;
    for (Map.Entry<String, byte[]> e : fields.entrySet()) {
      size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + e.getValue().length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putShort((short) fields.size());
    fields.forEach(
        (k, v) -> {
          byte[] name = k.getBytes(StandardCharsets.UTF_8);
          b.putShort((short) name.length).put(name).putInt(v.length).put(v);
        });
    return b.array();
  }

  static Map<String, byte[]> decode(byte[] record) {
    ByteBuffer b = ByteBuffer.wrap(record);
    Map<String, byte[]> fields = new LinkedHashMap<>();
    int n = Short.toUnsignedInt(b.getShort());
    for (int i = 0; i < n; i++) {
      byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
      b.get(name);
      byte[] value = new byte[b.getInt()];
      b.get(value);
      fields.put(new String(name, StandardCharsets.UTF_8), value);
    }
    return fields;
  }

  private static void project(
      Map<String, byte[]> record, Set<String> fields, Map<String, ByteIterator> result) {
    record.forEach(
        (k, v) -> {
          if (fields == null || fields.contains(k)) {
            result.put(k, new ByteArrayByteIterator(v));
          }
        });
  }

  @Override
  public Status read(
      String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
    try {
      Optional<KeyValue> got = client.get(key(table, key), consistency);
      if (got.isEmpty()) {
        return Status.NOT_FOUND;
      }
      project(decode(got.get().value()), fields, result);
      return Status.OK;
    } catch (ObjectKvException e) {
      return Status.ERROR;
    }
  }

  @Override
  public Status scan(
      String table,
      String startkey,
      int recordcount,
      Set<String> fields,
      Vector<HashMap<String, ByteIterator>> result) {
    try {
      String prefix = table + "/";
      Iterator<KeyValue> it =
          client.scan(
              new ObjectKvClient.Scan(
                  prefix.getBytes(StandardCharsets.UTF_8),
                  key(table, startkey),
                  null,
                  false,
                  Math.min(recordcount, 1000),
                  consistency));
      for (int i = 0; i < recordcount && it.hasNext(); i++) {
        HashMap<String, ByteIterator> row = new HashMap<>();
        project(decode(it.next().value()), fields, row);
        result.add(row);
      }
      return Status.OK;
    } catch (ObjectKvException e) {
      return Status.ERROR;
    }
  }

  @Override
  public Status update(String table, String key, Map<String, ByteIterator> values) {
    Map<String, byte[]> changes = new LinkedHashMap<>();
    values.forEach((k, v) -> changes.put(k, v.toArray()));
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        Optional<KeyValue> current = client.get(key(table, key), Consistency.strong());
        if (current.isEmpty()) {
          return Status.NOT_FOUND;
        }
        Map<String, byte[]> record = decode(current.get().value());
        record.putAll(changes);
        client.put(
            key(table, key), encodeRaw(record), Precondition.ifVersion(current.get().version()));
        return Status.OK;
      } catch (ConditionFailedException conflict) {
        // another client updated it first: read again and retry
      } catch (ObjectKvException e) {
        return Status.ERROR;
      }
    }
    return Status.ERROR;
  }

  @Override
  public Status insert(String table, String key, Map<String, ByteIterator> values) {
    try {
      client.put(key(table, key), encode(values), Precondition.none());
      return Status.OK;
    } catch (ObjectKvException e) {
      return Status.ERROR;
    }
  }

  @Override
  public Status delete(String table, String key) {
    try {
      client.delete(key(table, key), Precondition.none());
      return Status.OK;
    } catch (ObjectKvException e) {
      return Status.ERROR;
    }
  }
}
