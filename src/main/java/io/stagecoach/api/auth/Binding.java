package io.stagecoach.api.auth;

import io.stagecoach.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Where the API may listen with development auth: loopback only. */
public final class Binding {
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private Binding() {
  }

  /**
   * Whether {@code host} names only this machine: {@code localhost}, {@code 127.0.0.0/8} or
   * {@code ::1}. Other host names count as not loopback: they are not resolved here.
   */
  public static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if ("localhost".equalsIgnoreCase(h) || IPV4_LOOPBACK.matcher(h).matches()) {
      return true;
    }
    if (h.contains(":") && h.matches("[0-9A-Fa-f:.]+")) {
      try {
        return InetAddress.getByName(h).isLoopbackAddress();  // an IPv6 literal: no lookup
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /** Refuses a non-loopback {@code host} when no token keys are configured (development auth). */
  public static void checkDevelopment(String host, boolean development) {
    if (development && !isLoopback(host)) {
      throw new ConfigException("http.host " + host + " is not a loopback address, and auth is in development mode "
          + "(no token keys configured, a throwaway secret): set STAGECOACH_JWT_SECRET (or auth.hs256Secret, "
          + "auth.publicKeys, auth.jwksFile or auth.jwksUrl), or bind http.host to 127.0.0.1");
    }
  }
}
