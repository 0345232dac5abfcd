package io.objectkv.cli;

import io.objectkv.client.Batch;
import io.objectkv.client.ChangeEvent;
import io.objectkv.client.ConditionFailedException;
import io.objectkv.client.Consistency;
import io.objectkv.client.KeyValue;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.ObjectKvException;
import io.objectkv.client.Precondition;
import io.objectkv.client.Watch;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code objectkv} command. Exit codes: 0 done, 1 key not found, 2 usage error, 3 a condition
 * failed (nothing was written), 4 the server refused or could not be reached.
 */
public final class Main {
  private Main() {}

  static final int OK = 0;
  static final int NOT_FOUND = 1;
  static final int USAGE = 2;
  static final int CONDITION_FAILED = 3;
  static final int FAILED = 4;

  static final String USAGE_TEXT =
      """
      usage: objectkv <command> [options]

      Commands:
        local                         run a complete single-machine cluster (Ctrl-C stops it)
        put KEY VALUE                 write a value (VALUE - reads standard input)
          [--if-absent | --if-exists | --if-version N | --if-value X] [--ttl-ms T]
        get KEY [--strong | --min-version N] [--raw]
        delete KEY [--if-exists | --if-version N | --if-value X]
        delete --prefix P | --start S --end E
                                      delete every key in the range, as one operation
        scan [--prefix P | --start S --end E] [--limit N] [--reverse] [--strong] [--json]
        watch [--prefix P | --start S --end E] [--from-version N] [--count N] [--json]
                                      print committed changes as they happen (Ctrl-C stops)
        batch FILE                    apply a JSON batch ({"ops": [...]}, as POST /v1/batch); - for stdin
        load FILE                     write JSON lines ({"key": K, "value": V}, or any batch op) in
                                      atomic batches of consecutive lines, with progress; - for stdin
        status                        the database status
        db create NAME | db list | db drop NAME
                                      databases (an admin token where tokens are required)
        token --name N --role R [--db D]
                                      a new bearer token (read, write or admin; database D or *) and the
                                      line that grants it in an OBJECTKV_AUTH_FILE (only its hash)

      --json on any command but local prints its result as one JSON object per line (scan and
      watch: one per key or event; a failure: {"error": ..., ...}).

      Options for every command but local and token:
        --url URL                     the API (default: $OBJECTKV_URL or http://127.0.0.1:8080)
        --token T                     bearer token (default: $OBJECTKV_TOKEN)
        --ca FILE                     PEM certificates to trust for https (default: $OBJECTKV_CA)
        --db NAME                     the database (default: $OBJECTKV_DB, or the default one)

      Exit codes: 0 done, 1 not found, 2 usage error, 3 condition failed, 4 server error or unreachable.
      """;

  /** Every option of the commands but local and token (each command reads its own). */
  static final List<String> OPTIONS =
      List.of(
          "url",
          "token",
          "ca",
          "db",
          "json",
          "if-absent",
          "if-exists",
          "if-version",
          "if-value",
          "ttl-ms",
          "strong",
          "min-version",
          "raw",
          "prefix",
          "start",
          "end",
          "limit",
          "reverse",
          "from-version",
          "count");

  /** Arguments: the positional ones, and --name [value] options. */
  record Args(List<String> positional, Map<String, String> options) {
    static Args parse(List<String> args, List<String> flags) {
      List<String> positional = new ArrayList<>();
      Map<String, String> options = new LinkedHashMap<>();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.startsWith("--") && a.length() > 2) {
          String name = a.substring(2);
          if (flags.contains(name)) {
            options.put(name, "true");
          } else if (i + 1 < args.size()) {
            options.put(name, args.get(++i));
          } else {
            throw new UsageException("option --" + name + " needs a value");
          }
        } else {
          positional.add(a);
        }
      }
      return new Args(positional, options);
    }

    String get(String name, String fallback) {
      return options.getOrDefault(name, fallback);
    }

    /** These arguments, if every option is one of {@code known}: a misspelt one is not ignored. */
    Args only(String command, List<String> known) {
      for (String name : options.keySet()) {
        if (!known.contains(name)) {
          throw new UsageException(
              "unknown option --"
                  + name
                  + " for "
                  + command
                  + " (objectkv "
                  + (command.equals("local") ? "local " : "")
                  + "--help lists them)");
        }
      }
      return this;
    }

    boolean has(String name) {
      return options.containsKey(name);
    }
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  public static int run(List<String> argv, PrintStream out, PrintStream err) {
    json = false;
    if (argv.isEmpty()
        || argv.getFirst().equals("help")
        || argv.getFirst().equals("--help")
        || argv.getFirst().equals("-h")) {
      out.print(USAGE_TEXT);
      return argv.isEmpty() ? USAGE : OK;
    }
    String command = argv.getFirst();
    List<String> rest = argv.subList(1, argv.size());
    try {
      if (rest.contains("--help") || rest.contains("-h")) {
        out.print(command.equals("local") ? LocalCluster.USAGE_TEXT : USAGE_TEXT);
        return OK;
      }
      if (command.equals("local")) {
        return LocalCluster.run(
            Args.parse(rest, List.of("rebuild")).only(command, LocalCluster.OPTIONS), out, err);
      }
      if (command.equals("token")) {
        return token(
            Args.parse(rest, List.of("json")).only(command, List.of("name", "role", "db", "json")),
            out,
            err);
      }
      Args a =
          Args.parse(rest, List.of("if-absent", "if-exists", "strong", "raw", "reverse", "json"))
              .only(command, OPTIONS);
      String url =
          a.get(
              "url",
              Optional.ofNullable(System.getenv("OBJECTKV_URL")).orElse("http://127.0.0.1:8080"));
      ObjectKvClient.Builder client =
          ObjectKvClient.builder(url)
              .token(
                  a.get("token", Optional.ofNullable(System.getenv("OBJECTKV_TOKEN")).orElse("")));
      try {
        client.database(a.get("db", Optional.ofNullable(System.getenv("OBJECTKV_DB")).orElse("")));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      String ca = a.get("ca", Optional.ofNullable(System.getenv("OBJECTKV_CA")).orElse(""));
      if (!ca.isBlank()) {
        client.trust(java.nio.file.Path.of(ca));
      }
      try (ObjectKvClient kv = client.build()) {
        json = a.has("json");
        return switch (command) {
          case "put" -> put(kv, a, out);
          case "get" -> get(kv, a, out, err);
          case "delete" -> delete(kv, a, out);
          case "scan" -> scan(kv, a, out);
          case "watch" -> watch(kv, a, out);
          case "batch" -> batch(kv, a, out);
          case "load" -> Load.run(kv, arg(a, 0, "FILE"), json, out, err);
          case "status" -> status(kv, out);
          case "db" -> databases(kv, a, out);
          default ->
              throw new UsageException("unknown command '" + command + "' (see objectkv help)");
        };
      }
    } catch (UsageException e) {
      err.println("objectkv: " + e.getMessage());
      return USAGE;
    } catch (Load.LoadFailed e) {
      return failed(
          e.getCause(),
          e.getMessage()
              + " (the lines before them are written; batches sent after them may be too)",
          out,
          err);
    } catch (RuntimeException | IOException e) {
      return failed(e, e.getMessage(), out, err);
    }
  }

  /** Reports a failure (as JSON on standard output too with --json) and chooses the exit code. */
  private static int failed(Throwable e, String message, PrintStream out, PrintStream err) {
    if (e instanceof ConditionFailedException c) {
      err.println(
          "objectkv: condition failed: "
              + c.reason()
              + (c.currentVersion() == null ? "" : " (current version " + c.currentVersion() + ")")
              + "; nothing was written"
              + (message.startsWith("lines ") ? " by " + message : ""));
      if (json) {
        out.println(
            "{\"error\": \"condition_failed\", \"reason\": "
                + quote(c.reason())
                + ", \"currentVersion\": "
                + c.currentVersion()
                + "}");
      }
      return CONDITION_FAILED;
    }
    if (!(e instanceof ObjectKvException) && !(e instanceof IOException)) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    err.println("objectkv: " + message);
    if (json) {
      out.println("{\"error\": \"failed\", \"message\": " + quote(String.valueOf(message)) + "}");
    }
    return FAILED;
  }

  /** Whether this run prints JSON (--json): one run at a time, as a command line has. */
  private static boolean json;

  /** {@code {"version": N}} with --json, else N. */
  private static void printVersion(PrintStream out, long version) {
    out.println(json ? "{\"version\": " + version + "}" : Long.toString(version));
  }

  /** A key and its value as one JSON object, as the API's items are. */
  static String json(KeyValue e) {
    return "{"
        + bytesField("key", e.key())
        + ", "
        + bytesField("value", e.value())
        + ", \"version\": "
        + e.version()
        + "}";
  }

  /** {@code "name": "text"} for UTF-8 bytes, else {@code "nameBase64": "..."}. */
  static String bytesField(String name, byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      return quote(name) + ": " + quote(text);
    } catch (java.nio.charset.CharacterCodingException e) {
      return quote(name + "Base64")
          + ": "
          + quote(java.util.Base64.getEncoder().encodeToString(bytes));
    }
  }

  private static String arg(Args a, int i, String what) {
    if (a.positional().size() <= i) {
      throw new UsageException("missing " + what);
    }
    return a.positional().get(i);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The condition given by --if-absent, --if-exists, --if-version or --if-value. */
  static Precondition precondition(Args a) {
    List<Precondition> given = new ArrayList<>();
    if (a.has("if-absent")) {
      given.add(Precondition.ifAbsent());
    }
    if (a.has("if-exists")) {
      given.add(Precondition.ifExists());
    }
    if (a.has("if-version")) {
      try {
        given.add(Precondition.ifVersion(Long.parseLong(a.get("if-version", ""))));
      } catch (NumberFormatException e) {
        throw new UsageException("--if-version takes a version number");
      }
    }
    if (a.has("if-value")) {
      given.add(Precondition.ifValue(utf8(a.get("if-value", ""))));
    }
    if (given.size() > 1) {
      throw new UsageException("give at most one condition");
    }
    return given.isEmpty() ? Precondition.none() : given.getFirst();
  }

  static Consistency consistency(Args a) {
    if (a.has("strong")) {
      return Consistency.strong();
    }
    if (a.has("min-version")) {
      return Consistency.atLeast(Long.parseLong(a.get("min-version", "0")));
    }
    return Consistency.eventual();
  }

  private static int put(ObjectKvClient kv, Args a, PrintStream out) throws IOException {
    String key = arg(a, 0, "KEY");
    String value = arg(a, 1, "VALUE");
    byte[] bytes = value.equals("-") ? System.in.readAllBytes() : utf8(value);
    if (a.has("ttl-ms")) {
      long ttl;
      try {
        ttl = Long.parseLong(a.get("ttl-ms", ""));
      } catch (NumberFormatException e) {
        throw new UsageException("--ttl-ms takes a number of milliseconds");
      }
      if (ttl < 1 || bytes.length == 0) {
        throw new UsageException("--ttl-ms takes at least 1 ms, and a value that is not empty");
      }
      printVersion(
          out,
          kv.write(Batch.create().put(utf8(key), bytes, precondition(a), Duration.ofMillis(ttl))));
      return OK;
    }
    printVersion(out, kv.put(utf8(key), bytes, precondition(a)));
    return OK;
  }

  private static int get(ObjectKvClient kv, Args a, PrintStream out, PrintStream err) {
    Optional<KeyValue> got = kv.get(utf8(arg(a, 0, "KEY")), consistency(a));
    if (got.isEmpty()) {
      err.println("objectkv: not found");
      if (json) {
        out.println("{\"error\": \"not_found\"}");
      }
      return NOT_FOUND;
    }
    if (json) {
      out.println(json(got.get()));
      return OK;
    }
    out.write(got.get().value(), 0, got.get().value().length);
    if (!a.has("raw")) {
      out.println();
    }
    out.flush();
    return OK;
  }

  private static int delete(ObjectKvClient kv, Args a, PrintStream out) {
    if (a.has("prefix")) {
      printVersion(out, kv.write(Batch.create().deletePrefix(utf8(a.get("prefix", "")))));
      return OK;
    }
    if (a.has("start") || a.has("end")) {
      if (!a.has("start") || !a.has("end")) {
        throw new UsageException("delete --start S --end E needs both");
      }
      printVersion(
          out,
          kv.write(Batch.create().deleteRange(utf8(a.get("start", "")), utf8(a.get("end", "")))));
      return OK;
    }
    printVersion(out, kv.delete(utf8(arg(a, 0, "KEY")), precondition(a)));
    return OK;
  }

  private static int scan(ObjectKvClient kv, Args a, PrintStream out) {
    ObjectKvClient.Scan scan =
        a.has("prefix")
            ? ObjectKvClient.Scan.prefix(a.get("prefix", ""))
            : ObjectKvClient.Scan.range(a.options().get("start"), a.options().get("end"));
    int limit = Integer.parseInt(a.get("limit", "100"));
    scan = scan.pageSize(Math.min(limit, 1000)).with(consistency(a));
    if (a.has("reverse")) {
      scan = scan.reversed();
    }
    Iterator<KeyValue> it = kv.scan(scan);
    for (int n = 0; n < limit && it.hasNext(); n++) {
      KeyValue e = it.next();
      if (json) {
        out.println(json(e));
      } else {
        out.println(e.keyString() + "\t" + e.valueString());
      }
    }
    return OK;
  }

  /** Prints each committed change to the range, one line per changed key (or per event). */
  private static int watch(ObjectKvClient kv, Args a, PrintStream out) {
    ObjectKvClient.Scan range =
        a.has("prefix")
            ? ObjectKvClient.Scan.prefix(a.get("prefix", ""))
            : ObjectKvClient.Scan.range(a.options().get("start"), a.options().get("end"));
    long from = number(a, "from-version", -1);
    long count = number(a, "count", Long.MAX_VALUE);
    try (Watch w = kv.watch(range, from)) {
      for (long n = 0; n < count && w.hasNext(); n++) {
        ChangeEvent e = w.next();
        if (json) {
          StringBuilder line =
              new StringBuilder("{\"version\": " + e.version() + ", \"changes\": [");
          for (int i = 0; i < e.changes().size(); i++) {
            ChangeEvent.Change c = e.changes().get(i);
            line.append(i == 0 ? "" : ", ").append("{\"key\": ").append(quote(c.keyString()));
            line.append(
                c.deleted()
                    ? ", \"deleted\": true}"
                    : ", \"value\": " + quote(c.valueString()) + "}");
          }
          for (int i = 0; i < e.deletedRanges().size(); i++) {
            ChangeEvent.DeletedRange r = e.deletedRanges().get(i);
            line.append(e.changes().isEmpty() && i == 0 ? "" : ", ")
                .append("{\"deletedRange\": {\"start\": ")
                .append(quote(new String(r.start(), StandardCharsets.UTF_8)))
                .append(", \"end\": ")
                .append(
                    r.end() == null ? "null" : quote(new String(r.end(), StandardCharsets.UTF_8)))
                .append("}}");
          }
          out.println(line.append("]}"));
        } else {
          for (ChangeEvent.Change c : e.changes()) {
            out.println(
                e.version()
                    + "\t"
                    + c.keyString()
                    + "\t"
                    + (c.deleted() ? "(deleted)" : c.valueString()));
          }
          for (ChangeEvent.DeletedRange r : e.deletedRanges()) {
            out.println(e.version() + "\t" + r);
          }
        }
        out.flush();
      }
    }
    return OK;
  }

  private static long number(Args a, String option, long fallback) {
    try {
      long n = a.has(option) ? Long.parseLong(a.get(option, "")) : fallback;
      if (n < 0 && n != fallback) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + " takes a non-negative number");
    }
  }

  static String quote(String s) {
    return "\""
        + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t")
        + "\"";
  }

  private static int batch(ObjectKvClient kv, Args a, PrintStream out) throws IOException {
    String file = arg(a, 0, "FILE");
    String json =
        file.equals("-")
            ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(file));
    Batch b;
    try {
      b = Batch.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new UsageException(file + ": " + e.getMessage());
    }
    printVersion(out, kv.write(b));
    return OK;
  }

  private static int status(ObjectKvClient kv, PrintStream out) {
    if (json) {
      out.println(kv.statusJson());
    } else {
      kv.status().forEach((k, v) -> out.println(k + ": " + v));
    }
    return OK;
  }

  /** {@code db create NAME}, {@code db list}, {@code db drop NAME}. */
  private static int databases(ObjectKvClient kv, Args a, PrintStream out) {
    String what = arg(a, 0, "create|list|drop");
    switch (what) {
      case "list" -> {
        List<String> all = kv.databases();
        if (json) {
          all.forEach(d -> out.println("{\"name\": \"" + d + "\"}"));
        } else {
          all.forEach(out::println);
        }
      }
      case "create" -> {
        String name = arg(a, 1, "NAME");
        boolean created = kv.createDatabase(name);
        out.println(
            json
                ? "{\"name\": \"" + name + "\", \"created\": " + created + "}"
                : (created ? "created " : "exists: ") + name);
      }
      case "drop" -> {
        String name = arg(a, 1, "NAME");
        kv.dropDatabase(name);
        out.println(json ? "{\"name\": \"" + name + "\", \"dropped\": true}" : "dropped " + name);
      }
      default ->
          throw new UsageException("db takes create NAME, list or drop NAME; not '" + what + "'");
    }
    return OK;
  }

  /** Prints a new token, and the token-file line that grants it (its hash only). */
  static int token(Args a, PrintStream out, PrintStream err) {
    String name = a.get("name", "");
    String role = a.get("role", "");
    String db = a.get("db", "*");
    if (name.isBlank()
        || !name.matches("[A-Za-z0-9._-]+")
        || !List.of("read", "write", "admin").contains(role)) {
      err.println("usage: objectkv token --name NAME --role read|write|admin [--db DATABASE|*]");
      return USAGE;
    }
    byte[] random = new byte[32];
    new java.security.SecureRandom().nextBytes(random);
    String token =
        "okv_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    if (a.has("json")) {
      out.println(
          "{\"token\": "
              + quote(token)
              + ", \"authFileLine\": "
              + quote(tokenLine(name, role, db, token))
              + "}");
      return OK;
    }
    out.println("token (give it to the client; it is not stored anywhere):");
    out.println("  " + token);
    out.println("line for the OBJECTKV_AUTH_FILE:");
    out.println("  " + tokenLine(name, role, db, token));
    return OK;
  }

  /** The token-file line of runtime's Tokens: {@code name role db sha256:<hex>}. */
  public static String tokenLine(String name, String role, String db, String token) {
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return name + " " + role + " " + db + " sha256:" + java.util.HexFormat.of().formatHex(h);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
