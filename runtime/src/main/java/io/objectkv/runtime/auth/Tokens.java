package io.objectkv.runtime.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens a deployment accepts, from a file that holds only their SHA-256 hashes, one
 * grant a line: {@code <name> <role> <database or *> sha256:<64 hex digits>}. Blank lines and lines
 * starting with {@code #} are ignored. {@code objectkv token} prints a new token and its line
 * (written there: the two must agree, which E2E's SecureClusterIT checks).
 */
public final class Tokens {
  /** One accepted token: who it is (for logs), what it may do, where. */
  public record Grant(String name, Role role, String database, byte[] sha256) {
    public boolean allows(String db) {
      return database.equals("*") || database.equals(db);
    }
  }

  private final List<Grant> grants;

  private Tokens(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  public static Tokens of(List<Grant> grants) {
    return new Tokens(grants);
  }

  /** Reads a token file; a malformed line is an error naming the file and line. */
  public static Tokens load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the token file " + file + ": " + e, e);
    }
    List<Grant> grants = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      String where = file + ":" + (i + 1);
      if (f.length != 4 || !f[3].startsWith("sha256:") || f[3].length() != 7 + 64) {
        throw new IllegalArgumentException(
            where + ": expected '<name> <read|write|admin> <database|*> sha256:<64 hex digits>'");
      }
      try {
        grants.add(
            new Grant(f[0], Role.parse(f[1]), f[2], HexFormat.of().parseHex(f[3].substring(7))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    if (grants.isEmpty()) {
      throw new IllegalArgumentException("the token file " + file + " grants nothing");
    }
    return new Tokens(grants);
  }

  /**
   * The grant of {@code token}, comparing its hash with every grant in constant time (the time
   * taken says nothing about which grant, if any, is close).
   */
  public Optional<Grant> find(String token) {
    byte[] h = sha256(token);
    Grant found = null;
    for (Grant g : grants) {
      if (MessageDigest.isEqual(h, g.sha256()) && found == null) {
        found = g;
      }
    }
    return Optional.ofNullable(found);
  }

  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
