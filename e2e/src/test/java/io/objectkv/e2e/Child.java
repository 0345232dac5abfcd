package io.objectkv.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command run to its end with a time bound: its output goes to a file, read once it exits. */
record Child(int exitCode, String output) {
  static Child run(List<String> command, Path directory, Duration timeout) throws Exception {
    Path out = Files.createTempFile("child-", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            command + " did not finish within " + timeout + ": " + Files.readString(out));
      }
      return new Child(p.exitValue(), Files.readString(out));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
