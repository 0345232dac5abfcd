package io.objectkv.client;

/** An error answer from ObjectKV: the HTTP status, the API's error code and its message. */
public class ObjectKvException extends RuntimeException {
  private final int status;
  private final String code;

  public ObjectKvException(int status, String code, String message) {
    super(message == null ? code : code + ": " + message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
