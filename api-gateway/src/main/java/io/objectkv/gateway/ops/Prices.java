package io.objectkv.gateway.ops;

import io.objectkv.runtime.cluster.ProcessCard.StoreRequests;
import java.util.HashMap;
import java.util.Map;

/**
 * What the object store charges, in dollars: per 1,000 requests of each kind and per GB-month
 * stored. Ranged GETs are GETs; LIST is billed as a PUT; HEAD as a GET.
 */
public record Prices(
    double putPer1000,
    double getPer1000,
    double listPer1000,
    double headPer1000,
    double deletePer1000,
    double storagePerGbMonth) {

  /**
   * Amazon S3 Standard list prices in us-east-1 (PUT, COPY, POST, LIST $0.005 per 1,000; GET and
   * all other requests $0.0004 per 1,000; DELETE free; storage $0.023 per GB-month for the first 50
   * TB): unchanged from 2018 to at least 2025. Check https://aws.amazon.com/s3/pricing/ and set
   * OBJECTKV_PRICES for your region, tier or store.
   */
  public static final Prices S3_STANDARD = new Prices(0.005, 0.0004, 0.005, 0.0004, 0, 0.023);

  /** Hours in the average month, as cloud bills count them. */
  public static final double HOURS_PER_MONTH = 730;

  private static final double GB = 1e9;

  /** Dollars the requests cost. */
  public double dollars(StoreRequests r) {
    return (r.put() * putPer1000
            + (r.get() + r.rangedGet()) * getPer1000
            + r.list() * listPer1000
            + r.head() * headPer1000
            + r.delete() * deletePer1000)
        / 1000;
  }

  /** Dollars per month of keeping {@code bytes}. */
  public double storagePerMonth(long bytes) {
    return bytes / GB * storagePerGbMonth;
  }

  /**
   * The defaults with what {@code spec} sets, e.g. {@code put=0.0045,get=0.00036,storage=0.021}
   * (names: put, get, list, head, delete, storage; dollars per 1,000 requests or per GB-month).
   *
   * @throws IllegalArgumentException naming what is wrong and what is allowed
   */
  public static Prices parse(String spec) {
    Map<String, Double> v = new HashMap<>();
    v.put("put", S3_STANDARD.putPer1000);
    v.put("get", S3_STANDARD.getPer1000);
    v.put("list", S3_STANDARD.listPer1000);
    v.put("head", S3_STANDARD.headPer1000);
    v.put("delete", S3_STANDARD.deletePer1000);
    v.put("storage", S3_STANDARD.storagePerGbMonth);
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] kv = part.split("=", 2);
      String name = kv[0].strip();
      if (kv.length != 2 || !v.containsKey(name)) {
        throw new IllegalArgumentException(
            "'" + part.strip() + "' is not one of put=, get=, list=, head=, delete=, storage=");
      }
      double price;
      try {
        price = Double.parseDouble(kv[1].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number of dollars, not " + kv[1]);
      }
      if (!(price >= 0) || Double.isInfinite(price)) {
        throw new IllegalArgumentException(name + " must be a price of 0 or more, not " + kv[1]);
      }
      v.put(name, price);
    }
    return new Prices(
        v.get("put"),
        v.get("get"),
        v.get("list"),
        v.get("head"),
        v.get("delete"),
        v.get("storage"));
  }
}
