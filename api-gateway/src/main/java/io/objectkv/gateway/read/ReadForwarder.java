package io.objectkv.gateway.read;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.runtime.http.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * Sends a read to the replicas in order until one answers: a replica that cannot be reached or
 * answers 500/503 is skipped (and tried last for a while); any other answer, 504 included, is the
 * answer.
 */
public final class ReadForwarder implements AutoCloseable {
  private final ReaderPool pool;
  private final HttpClient http; // for watches, whose answers stream
  private final Deadlines deadlines = new Deadlines("read-deadlines");
  private final ReplicaHttp replicas;
  private final Metrics.Counter failovers;
  private final Optional<String> token;

  /**
   * @param tls how to trust readers that serve HTTPS (their URLs say https)
   * @param token the gateway's own bearer token for readers that require one
   */
  public ReadForwarder(
      ReaderPool pool, Optional<SSLContext> tls, Optional<String> token, Metrics metrics) {
    this.pool = pool;
    this.token = token;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor());
    tls.ifPresent(b::sslContext);
    this.http = b.build();
    this.replicas = new ReplicaHttp(tls, deadlines);
    this.failovers =
        metrics.counter(
            "objectkv_gateway_read_failovers_total", "Reads retried on another replica.");
  }

  public ReaderPool pool() {
    return pool;
  }

  /** Where reads set their deadlines. */
  public Deadlines deadlines() {
    return deadlines;
  }

  /**
   * {@code headers} (name, value pairs; a null value leaves its header out) and the gateway's own
   * credentials.
   */
  private List<String> withCredentials(String... headers) {
    List<String> all = new ArrayList<>(Arrays.asList(headers));
    token.ifPresent(t -> all.addAll(List.of("Authorization", "Bearer " + t)));
    return all;
  }

  /** A request to a replica with the gateway's credentials and {@code headers}. */
  private HttpRequest.Builder request(URI replica, String pathAndQuery, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(replica.resolve(pathAndQuery));
    List<String> all = withCredentials(headers);
    for (int i = 0; i < all.size(); i += 2) {
      if (all.get(i + 1) != null) {
        b.header(all.get(i), all.get(i + 1));
      }
    }
    return b;
  }

  /**
   * Opens a long-lived GET on one replica (a watch) and returns its answer once the headers are in;
   * the body streams. Failures are the caller's to judge (it tries the next replica).
   */
  public HttpResponse<InputStream> open(URI replica, String pathAndQuery, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = request(replica, pathAndQuery, headers).GET();
    try {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() == 500 || r.statusCode() == 503) {
        pool.failed(replica);
        failovers.inc();
      } else {
        pool.succeeded(replica);
      }
      return r;
    } catch (IOException e) {
      pool.failed(replica);
      failovers.inc();
      throw e;
    }
  }

  public ReplicaHttp.Response send(
      List<URI> replicas,
      String method,
      String pathAndQuery,
      byte[] body,
      Duration timeout,
      String... headers) {
    if (replicas.isEmpty()) {
      throw ApiException.unavailable(
          "no reader replica is live: none announces itself as serving, and"
              + " OBJECTKV_GATEWAY_READERS names none");
    }
    List<String> all = withCredentials(headers);
    String lastProblem = "";
    for (URI replica : replicas) {
      try {
        ReplicaHttp.Response r =
            this.replicas.send(replica, method, pathAndQuery, body, timeout, all);
        if (r.status() == 500 || r.status() == 503) {
          lastProblem = replica + " answered " + r.status();
          pool.failed(replica);
          failovers.inc();
          continue;
        }
        pool.succeeded(replica);
        return r;
      } catch (IOException e) {
        lastProblem = replica + ": " + e;
        pool.failed(replica);
        failovers.inc();
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage()); // nothing was sent
      }
    }
    throw ApiException.unavailable("no reader replica could answer (last: " + lastProblem + ")");
  }

  /** Closes the kept connections to replicas. */
  @Override
  public void close() {
    replicas.close();
    deadlines.close();
  }
}
