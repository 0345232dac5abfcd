package io.objectkv.e2e;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A self-signed P-256 certificate for 127.0.0.1, made by openssl; a test without openssl skips. */
final class TestCertificate {
  private TestCertificate() {}

  /** Writes {@code dir/key.pem} (PKCS#8, unencrypted) and {@code dir/cert.pem}. */
  static void make(Path dir) throws Exception {
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString(),
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1")
            .redirectErrorStream(true)
            .start();
    Assumptions.assumeTrue(
        openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0,
        "openssl is needed to make a test certificate");
  }
}
