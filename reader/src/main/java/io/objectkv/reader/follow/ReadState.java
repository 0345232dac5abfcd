package io.objectkv.reader.follow;

import io.objectkv.core.read.LsmView;

/**
 * What a reader serves at one moment.
 *
 * @param view the database as of the manifest it has applied
 * @param logPosition the next manifest-log offset it will read: every delta below is applied
 */
public record ReadState(LsmView view, long logPosition) {
  /** The newest write-log version reflected in this state. */
  public long appliedVersion() {
    return view.manifest().appliedVersion();
  }
}
