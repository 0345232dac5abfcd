package io.objectkv.compactor.plan;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.SstInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When the data of each L0 object was committed, in log time, for the planner's age bound. Learnt
 * from the manifest log (a group's object from its delta; a tier merge's output keeps its oldest
 * input's time). An object the process did not see added (it booted from a snapshot after that)
 * counts from the manifest's log time when first asked about: a restart can delay the age bound,
 * never bring it forward.
 */
public final class L0Ages {
  private final Map<String, Long> committedAt = new HashMap<>();

  public void followed(ManifestDelta d) {
    for (ManifestEdit e : d.edits()) {
      switch (e) {
        case ManifestEdit.AddL0 add -> committedAt.put(add.sst().key(), d.logTimeMillis());
        case ManifestEdit.Compaction c -> {
          long oldest = d.logTimeMillis();
          for (String k : c.inputsL0()) {
            Long at = committedAt.remove(k);
            oldest = at == null ? oldest : Math.min(oldest, at);
          }
          if (c.into() == ManifestEdit.Level.L0) {
            for (SstInfo o : c.outputs()) {
              committedAt.put(o.key(), oldest);
            }
          }
        }
      }
    }
  }

  /** The log time of the oldest data in {@code m}'s L0 ({@code Long.MAX_VALUE}: L0 is empty). */
  public long oldest(Manifest m) {
    long oldest = Long.MAX_VALUE;
    Set<String> present = new HashSet<>();
    for (SstInfo s : m.l0()) {
      present.add(s.key());
      oldest = Math.min(oldest, committedAt.computeIfAbsent(s.key(), k -> m.logTimeMillis()));
    }
    committedAt.keySet().retainAll(present);
    return oldest;
  }
}
