package io.objectkv.runtime.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS from PEM files, as operators have them: a certificate chain and its PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}; {@code openssl pkcs8 -topk8 -nocrypt} converts others), and
 * optionally the CA certificates a client trusts when it calls another process.
 */
public record Tls(Path certificate, Path privateKey, Path trusted) {
  private static final char[] PASSWORD = "objectkv".toCharArray();

  /** The server side of Jetty. */
  public SslContextFactory.Server serverFactory() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      List<Certificate> chain = certificates(certificate);
      ks.setKeyEntry("objectkv", key(privateKey), PASSWORD, chain.toArray(new Certificate[0]));
      SslContextFactory.Server f = new SslContextFactory.Server();
      f.setKeyStore(ks);
      f.setKeyStorePassword(new String(PASSWORD));
      return f;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "cannot use the TLS certificate " + certificate + " with key " + privateKey + ": " + e,
          e);
    }
  }

  /** What a client of another process trusts: {@code trusted}, or else our own certificate. */
  public SSLContext clientContext() {
    Path ca = trusted != null ? trusted : certificate;
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      int i = 0;
      for (Certificate c : certificates(ca)) {
        ts.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot trust the certificates in " + ca + ": " + e, e);
    }
  }

  static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new GeneralSecurityException("no certificate in " + pem);
      }
      return List.copyOf(certs);
    }
  }

  static PrivateKey key(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf("-----END PRIVATE KEY-----");
    if (from < 0 || to < 0) {
      throw new GeneralSecurityException(
          pem
              + " holds no PKCS#8 private key (BEGIN PRIVATE KEY); convert it with"
              + " openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to).strip());
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("the key in " + pem + " is not RSA, EC or Ed25519", last);
  }
}
