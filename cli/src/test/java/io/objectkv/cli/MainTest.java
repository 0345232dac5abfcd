package io.objectkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.client.Precondition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
  private static int run(ByteArrayOutputStream err, String... args) {
    return run(new ByteArrayOutputStream(), err, args);
  }

  private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return Main.run(List.of(args), new PrintStream(out), new PrintStream(err));
  }

  @Test
  void usageErrorsExitWith2AndSayWhy() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(Main.USAGE, run(err, "frobnicate"));
    assertTrue(err.toString().contains("unknown command"));
    assertEquals(Main.USAGE, run(new ByteArrayOutputStream(), "put", "only-a-key"));
    assertEquals(
        Main.USAGE,
        run(new ByteArrayOutputStream(), "put", "k", "v", "--if-absent", "--if-exists"));
    assertEquals(
        Main.USAGE, run(new ByteArrayOutputStream(), "put", "k", "v", "--if-version", "x"));
    assertEquals(Main.USAGE, run(new ByteArrayOutputStream()));
    assertEquals(Main.OK, run(new ByteArrayOutputStream(), "help"));
  }

  @Test
  void aMisspeltOptionIsAUsageErrorNotIgnored() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(Main.USAGE, run(err, "scan", "--prefx", "user/"));
    assertTrue(err.toString().contains("unknown option --prefx for scan"), err.toString());
    err.reset();
    assertEquals(Main.USAGE, run(err, "local", "--data", "/tmp/x"));
    assertTrue(err.toString().contains("unknown option --data for local"), err.toString());
    assertTrue(err.toString().contains("objectkv local --help"), err.toString());
    err.reset();
    assertEquals(Main.USAGE, run(err, "local", "--readers", "two"));
    assertTrue(
        err.toString().contains("--readers takes a whole number, not 'two'"), err.toString());
    assertEquals(Main.USAGE, run(new ByteArrayOutputStream(), "token", "--rle", "read"));
  }

  @Test
  void helpAfterACommandPrintsItsUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(Main.OK, run(out, new ByteArrayOutputStream(), "local", "--help"));
    assertTrue(out.toString().contains("--data-dir DIR"), out.toString());
    out.reset();
    assertEquals(Main.OK, run(out, new ByteArrayOutputStream(), "get", "-h"));
    assertTrue(out.toString().contains("usage: objectkv <command>"), out.toString());
  }

  @Test
  void anUnreachableServerExitsWith4() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(Main.FAILED, run(err, "get", "k", "--url", "http://127.0.0.1:1"));
    assertTrue(err.toString().contains("did not answer"), err.toString());
  }

  @Test
  void conditionFlagsMapToPreconditions() {
    assertInstanceOf(
        Precondition.Absent.class,
        Main.precondition(Main.Args.parse(List.of("--if-absent"), List.of("if-absent"))));
    assertEquals(
        new Precondition.VersionIs(7),
        Main.precondition(Main.Args.parse(List.of("--if-version", "7"), List.of())));
    assertInstanceOf(
        Precondition.None.class, Main.precondition(Main.Args.parse(List.of("k"), List.of())));
  }
}
