package io.stagecoach.webhook;

import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps webhook deliveries away from the engine's own network (server-side request forgery). A URL
 * must be {@code http} or {@code https}, carry no credentials, and every address its host resolves
 * to must be public: loopback, private, link-local, CGNAT, unique-local, multicast, unspecified,
 * documentation, benchmarking, reserved and broadcast ranges are refused, in IPv4 and IPv6. IPv6
 * forms that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 {@code 64:ff9b::/96},
 * 6to4 {@code 2002::/16}) are judged by the IPv4 address they carry, and numeric hosts are read the
 * way {@code inet_aton} (and so curl and browsers) read them — {@code 2130706433}, {@code 0177.0.0.1},
 * {@code 0x7f.1} and {@code 127.1} are all {@code 127.0.0.1}.
 *
 * <p>The guard answers the address it checked; the dispatcher connects to exactly that address, so a
 * name that resolves differently a moment later (DNS rebinding) cannot slip past it.
 *
 * <p>{@code allowPrivate} (for local setups and tests) lets through loopback, private (RFC 1918),
 * CGNAT and unique-local addresses; link-local — where cloud metadata services live — and the
 * other ranges stay refused.
 */
public final class SsrfGuard {
  /** Longest URL accepted, in characters. */
  public static final int MAX_URL_LENGTH = 2048;
  private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");
  private static final Pattern NUMERIC_PART = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");

  /** Why an address is refused: the ones {@code allowPrivate} lets through are {@link #isPrivate()}. */
  enum Range {
    LOOPBACK(true), PRIVATE(true), CGNAT(true), UNIQUE_LOCAL(true),
    LINK_LOCAL(false), UNSPECIFIED(false), MULTICAST(false), BROADCAST(false), DOCUMENTATION(false), RESERVED(false);

    private final boolean isPrivate;

    Range(boolean isPrivate) {
      this.isPrivate = isPrivate;
    }

    boolean isPrivate() {
      return isPrivate;
    }

    String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Where a delivery goes: the URL's parts and the checked address to connect to.
   *
   * @param host the host as written (lower case, no brackets): the {@code Host} header and TLS name
   * @param requestUri path and query, {@code /} when the URL has none
   */
  public record Target(String url, boolean ssl, String host, int port, String requestUri, InetAddress address) {
    /** {@code ip:port} (IPv6 in brackets), as the attempt log shows it. */
    public String addressText() {
      String ip = address.getHostAddress();
      return (address instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + port;
    }
  }

  /** A URL's parts before resolution. */
  record Parsed(String url, boolean ssl, String host, int port, String requestUri) {
  }

  private final Vertx vertx;
  private final boolean allowPrivate;

  public SsrfGuard(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /**
   * Parses {@code url}, resolves its host and checks every address; answers the target with the
   * first address, or fails with {@code invalid_input} naming the field {@code url} and the reason.
   */
  public Future<Target> check(String url) {
    Parsed parsed;
    try {
      parsed = parse(url);
    } catch (StagecoachException e) {
      return Future.failedFuture(e);
    }
    InetAddress literal;
    try {
      literal = literal(parsed.host());
    } catch (StagecoachException e) {
      return Future.failedFuture(e);
    }
    Future<InetAddress[]> addresses = literal != null
        ? Future.succeededFuture(new InetAddress[] {literal})
        : vertx.executeBlocking(() -> InetAddress.getAllByName(parsed.host()), false);
    return addresses
        .recover(e -> Future.failedFuture(refused("host " + parsed.host() + " does not resolve")))
        .map(resolved -> {
          for (InetAddress address : resolved) {
            refusal(address).ifPresent(reason -> {
              throw refused("host " + parsed.host() + " resolves to " + address.getHostAddress() + ", a " + reason + " address");
            });
          }
          return new Target(parsed.url(), parsed.ssl(), parsed.host(), parsed.port(), parsed.requestUri(), resolved[0]);
        });
  }

  /** Why this guard refuses {@code address}, or empty when it may be connected to. */
  Optional<String> refusal(InetAddress address) {
    return range(address).filter(range -> !(allowPrivate && range.isPrivate())).map(Range::wire);
  }

  /** The URL's scheme, host, port and request URI; {@code invalid_input} for a URL no delivery may go to. */
  static Parsed parse(String url) {
    if (url == null || url.isBlank()) {
      throw refused("is required");
    }
    if (url.length() > MAX_URL_LENGTH) {
      throw refused("is longer than " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw refused("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw refused("must be an http or https URL");
    }
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw refused("must name a host");
    }
    if (authority.contains("@")) {
      throw refused("must not carry credentials");
    }
    if (uri.getRawFragment() != null) {
      throw refused("must not have a fragment");
    }
    String host;
    String port = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw refused("has an unterminated IPv6 address");
      }
      host = authority.substring(1, close);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw refused("is not a valid URL");
        }
        port = rest.substring(1);
      }
      if (host.contains("%")) {
        throw refused("must not name an IPv6 zone");
      }
    } else {
      int colon = authority.lastIndexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      port = colon < 0 ? null : authority.substring(colon + 1);
    }
    host = host.toLowerCase(Locale.ROOT);
    if (!host.contains(":")) {
      try {
        host = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw refused("has an invalid host name");
      }
      if (host.isEmpty() || !HOST_NAME.matcher(host).matches()) {
        throw refused("has an invalid host name");
      }
    }
    boolean ssl = scheme.equals("https");
    int portNumber = ssl ? 443 : 80;
    if (port != null && !port.isEmpty()) {
      if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw refused("has an invalid port");
      }
      portNumber = Integer.parseInt(port);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    return new Parsed(url, ssl, host, portNumber, requestUri);
  }

  /**
   * The address a numeric host stands for, canonicalised (IPv6 literals, and IPv4 in any spelling
   * {@code inet_aton} takes: 1 to 4 parts, each decimal, octal with a leading 0, or hex with 0x);
   * null for a host name. A host whose last label is numeric but which is no valid IPv4 address
   * ({@code 1.2.3.256}, {@code foo.123}) is refused, as WHATWG URL parsing refuses it.
   */
  static InetAddress literal(String host) {
    if (host.contains(":")) {
      try {
        return InetAddress.getByName(host);  // an IPv6 literal: no lookup
      } catch (UnknownHostException e) {
        throw refused("has an invalid IPv6 address");
      }
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] parts = name.split("\\.", -1);
    if (!NUMERIC_PART.matcher(parts[parts.length - 1]).matches()) {
      return null;
    }
    if (parts.length > 4) {
      throw refused("has an invalid IPv4 address");
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = number(parts[i]);
    }
    long value = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 255) {
        throw refused("has an invalid IPv4 address");
      }
      value = (value << 8) | values[i];
    }
    int lastBytes = 4 - (parts.length - 1);
    long last = values[parts.length - 1];
    if (last >= (1L << (8 * lastBytes))) {
      throw refused("has an invalid IPv4 address");
    }
    value = (value << (8 * lastBytes)) | last;
    byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long number(String part) {
    if (!NUMERIC_PART.matcher(part).matches()) {
      throw refused("has an invalid IPv4 address");
    }
    try {
      if (part.startsWith("0x") || part.startsWith("0X")) {
        return part.length() == 2 ? 0 : Long.parseLong(part.substring(2), 16);
      }
      if (part.length() > 1 && part.startsWith("0")) {
        return Long.parseLong(part.substring(1), 8);
      }
      return Long.parseLong(part);
    } catch (NumberFormatException e) {
      throw refused("has an invalid IPv4 address");  // 08, or a number too large for any address
    }
  }

  /** The refused range {@code address} falls in, after unwrapping an IPv4 address embedded in IPv6; empty if public. */
  static Optional<Range> range(InetAddress address) {
    if (address instanceof Inet4Address) {
      return range4(address.getAddress());
    }
    byte[] b = address.getAddress();
    byte[] embedded = embeddedIpv4(b);
    if (embedded != null) {
      return range4(embedded);
    }
    return range6(b);
  }

  private static Optional<Range> range4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    if (a0 == 0) {
      return Optional.of(Range.UNSPECIFIED);
    }
    if (a0 == 127) {
      return Optional.of(Range.LOOPBACK);
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return Optional.of(Range.PRIVATE);
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return Optional.of(Range.CGNAT);
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of(Range.LINK_LOCAL);
    }
    if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
      return Optional.of(Range.DOCUMENTATION);
    }
    if ((a0 == 192 && a1 == 0 && a2 == 0) || (a0 == 192 && a1 == 88 && a2 == 99) || (a0 == 198 && (a1 & 0xfe) == 18)) {
      return Optional.of(Range.RESERVED);  // IETF assignments, 6to4 relay anycast, benchmarking
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of(Range.MULTICAST);
    }
    if (a0 == 255 && a1 == 255 && a2 == 255 && (b[3] & 0xff) == 255) {
      return Optional.of(Range.BROADCAST);
    }
    if (a0 >= 240) {
      return Optional.of(Range.RESERVED);
    }
    return Optional.empty();
  }

  private static Optional<Range> range6(byte[] b) {
    boolean allZero = true;
    for (int i = 0; i < 15; i++) {
      allZero &= b[i] == 0;
    }
    if (allZero && b[15] == 0) {
      return Optional.of(Range.UNSPECIFIED);
    }
    if (allZero && b[15] == 1) {
      return Optional.of(Range.LOOPBACK);
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0xff) {
      return Optional.of(Range.MULTICAST);
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return Optional.of(Range.LINK_LOCAL);
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return Optional.of(Range.PRIVATE);  // site-local, deprecated
    }
    if ((b0 & 0xfe) == 0xfc) {
      return Optional.of(Range.UNIQUE_LOCAL);
    }
    if ((b0 == 0x20 && b1 == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) || (b0 == 0x3f && b1 == 0xff && (b[2] & 0xf0) == 0)) {
      return Optional.of(Range.DOCUMENTATION);  // 2001:db8::/32, 3fff::/20
    }
    if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xfe) == 0) {
      return Optional.of(Range.RESERVED);  // 2001::/23 IETF assignments, Teredo among them
    }
    if ((b0 & 0xe0) != 0x20) {
      return Optional.of(Range.RESERVED);  // outside 2000::/3, the global unicast space (NAT64 local-use 64:ff9b:1::/48 too)
    }
    return Optional.empty();
  }

  /** The IPv4 address an IPv6 address carries (mapped, compatible, SIIT-translated, NAT64 well-known, 6to4); else null. */
  private static byte[] embeddedIpv4(byte[] b) {
    byte[] zeros = new byte[16];
    if (Arrays.equals(b, 0, 10, zeros, 0, 10)
        && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0)))) {
      return Arrays.copyOfRange(b, 12, 16);  // ::ffff:a.b.c.d, ::a.b.c.d (not :: or ::1)
    }
    if (Arrays.equals(b, 0, 8, zeros, 0, 8) && b[8] == (byte) 0xff && b[9] == (byte) 0xff && b[10] == 0 && b[11] == 0) {
      return Arrays.copyOfRange(b, 12, 16);  // ::ffff:0:a.b.c.d
    }
    if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && Arrays.equals(b, 4, 12, zeros, 4, 12)) {
      return Arrays.copyOfRange(b, 12, 16);  // 64:ff9b::a.b.c.d
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return Arrays.copyOfRange(b, 2, 6);  // 2002:AABB:CCDD::/48
    }
    return null;
  }

  private static StagecoachException refused(String reason) {
    return StagecoachException.invalidInput("url", reason);
  }
}
