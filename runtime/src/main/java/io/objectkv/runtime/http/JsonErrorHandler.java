package io.objectkv.runtime.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (requests it refuses before any route runs, such as a path with an
 * encoded NUL byte, which Jetty 12 always rejects) in the API's JSON error shape.
 *
 * <p>A request line with no HTTP version or one Jetty does not know ({@code GET /x}, {@code
 * HTTP/1.2}) is malformed input, answered 400 like any other (API.md), not Jetty's 505: an operator
 * counts answers of 500 and over as the server's faults, and these are the client's.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() <= 0 ? 500 : response.getStatus();
    Object message = request.getAttribute(ERROR_MESSAGE);
    String text = message == null ? HttpStatus.getMessage(status) : message.toString();
    String refusal = "the HTTP server refused the request: " + text;
    if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
      status = HttpStatus.BAD_REQUEST_400;
      response.setStatus(status);
      refusal += " (a request line ends in HTTP/1.1 or HTTP/1.0)";
    }
    byte[] body = Json.bytes(new ApiException(status, HttpServers.codeFor(status), refusal).body());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
