package io.brazier.proxy.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The proxies in front of this one whose {@code X-Forwarded-For}, {@code -Host} and {@code -Proto} are believed
 * ({@code --trusted-proxies}: addresses or CIDR ranges). From anyone else those headers are ignored: a client could
 * otherwise name any address as its own in the audit headers, or any host as the base URL of the links it gets.
 */
public final class TrustedProxies {
  private final List<Range> ranges;

  /** @param specs addresses ({@code 10.0.0.7}) or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}) */
  public TrustedProxies(List<String> specs) {
    this.ranges = specs.stream().map(Range::parse).toList();
  }

  /** Whether a request that came from {@code address} (the TCP peer) came through a trusted proxy. */
  boolean trusts(String address) {
    if (ranges.isEmpty() || address == null) {
      return false;
    }
    byte[] bytes = literal(address);
    return bytes != null && ranges.stream().anyMatch(range -> range.contains(bytes));
  }

  /**
   * The client's address: the peer's, or, behind trusted proxies, the nearest address of {@code X-Forwarded-For}
   * that is not itself a trusted proxy (each proxy appends the address it was called from).
   */
  String client(String peer, String forwardedFor) {
    if (!trusts(peer) || forwardedFor == null || forwardedFor.isBlank()) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!trusts(hop)) {
        return hop;
      }
    }
    return hops[0].trim();
  }

  /** The first value of a forwarded header, when the peer is trusted and sent one; else {@code own}. */
  String forwarded(String peer, String header, String own) {
    if (!trusts(peer) || header == null || header.isBlank()) {
      return own;
    }
    return header.split(",")[0].trim();
  }

  /** The bytes of an address literal; null for anything else (a host name is never looked up). */
  private static byte[] literal(String address) {
    String bare = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
        : address;
    if (!bare.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      return null;
    }
    try {
      return InetAddress.getByName(bare).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** An address and how many of its leading bits a match shares. */
  private record Range(byte[] network, int bits) {
    static Range parse(String spec) {
      int slash = spec.indexOf('/');
      byte[] network = literal(slash < 0 ? spec.trim() : spec.substring(0, slash).trim());
      if (network == null) {
        throw new IllegalArgumentException("--trusted-proxies takes IP addresses or CIDR ranges (10.0.0.0/8), not '"
            + spec + "'");
      }
      String prefix = slash < 0 ? String.valueOf(network.length * 8) : spec.substring(slash + 1).trim();
      int bits = prefix.matches("\\d{1,3}") ? Integer.parseInt(prefix) : -1;
      if (bits < 0 || bits > network.length * 8) {
        throw new IllegalArgumentException("--trusted-proxies: '" + spec + "' has a prefix length out of range");
      }
      return new Range(network, bits);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
