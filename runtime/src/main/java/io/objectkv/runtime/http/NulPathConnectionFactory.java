package io.objectkv.runtime.http;

import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections that let a percent-encoded NUL byte ({@code %00}) through in a path, which
 * Jetty refuses unconditionally while it parses the request line: the API lets a key hold any byte,
 * and keys travel in paths.
 *
 * <p>Jetty is handed the path with each {@code %00} written as {@code %01} (same segments, same
 * route), and the request carries the target as the client sent it in {@link #RAW_TARGET}, which
 * {@link PathKeys#rawPath} reads. A client cannot forge that header: the connection drops any the
 * client sends.
 */
final class NulPathConnectionFactory extends HttpConnectionFactory {
  /** The request target as received, on requests whose path held {@code %00}. */
  static final String RAW_TARGET = "ObjectKV-Internal-Raw-Target";

  NulPathConnectionFactory(HttpConfiguration config) {
    super(config);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    NulPathConnection connection =
        new NulPathConnection(getHttpConfiguration(), connector, endPoint);
    connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
    return configure(connection, connector, endPoint);
  }

  /** {@code target} with {@code %00} in its path (not its query) written as {@code %01}. */
  static String withoutNul(String target) {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    if (!path.contains("%00")) {
      return target;
    }
    return path.replace("%00", "%01") + (query < 0 ? "" : target.substring(query));
  }

  private static final class NulPathConnection extends HttpConnection {
    NulPathConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
      super(config, connector, endPoint);
    }

    @Override
    protected RequestHandler newRequestHandler() {
      return new NulPathHandler();
    }

    private final class NulPathHandler extends RequestHandler {
      /** The target as sent, when it was rewritten; else null. */
      private String rewritten;

      @Override
      public void startRequest(String method, String uri, HttpVersion version) {
        String safe = withoutNul(uri);
        rewritten = safe.equals(uri) ? null : uri;
        super.startRequest(method, safe, version);
      }

      @Override
      public void parsedHeader(HttpField field) {
        if (!field.getName().toLowerCase(Locale.ROOT).equals(RAW_TARGET.toLowerCase(Locale.ROOT))) {
          super.parsedHeader(field);
        }
      }

      @Override
      public boolean headerComplete() {
        if (rewritten != null) {
          super.parsedHeader(new HttpField(RAW_TARGET, rewritten));
        }
        return super.headerComplete();
      }
    }
  }
}
