package io.objectkv.reader.query;

import io.objectkv.core.read.LsmView;
import io.objectkv.format.Entry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Ordered range scans over a view: live keys only (not deleted, not expired), a page at a time. */
public final class Scans {
  private Scans() {}

  /** A page of results; {@code next} is the range left to scan, or null when there is no more. */
  public record Page(List<Entry> items, boolean more) {}

  /**
   * @param nowMillis values that expire by this time are left out
   */
  public static Page scan(
      LsmView view, KeyRange range, int limit, boolean reverse, long nowMillis) {
    List<Entry> items = new ArrayList<>(Math.min(limit, 1024));
    if (range.isEmpty()) {
      return new Page(items, false);
    }
    Iterator<Entry> it = view.scan(range.from(), range.to(), reverse);
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.absentAt(nowMillis)) {
        continue;
      }
      if (items.size() == limit) {
        return new Page(items, true);
      }
      items.add(e);
    }
    return new Page(items, false);
  }
}
