package io.stagecoach.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SsrfGuardTest {
  /** URLs no webhook may point at, with what makes each one bad. */
  private static final List<String> REFUSED = List.of(
      "http://127.0.0.1/hook",                      // loopback
      "http://localhost:8080/hook",                 // a name that resolves to 127.0.0.1
      "http://2130706433/",                         // 127.0.0.1 as one decimal number
      "http://0177.0.0.1/",                         // octal
      "http://0x7f.1/",                             // hex, short form
      "http://127.1/",                              // short form
      "http://0/",                                  // 0.0.0.0
      "http://0.0.0.0:9000/",                       // unspecified
      "http://[::1]/",                              // IPv6 loopback
      "http://[::]/",                               // IPv6 unspecified
      "http://[::ffff:127.0.0.1]/",                 // IPv4-mapped loopback
      "http://[::ffff:a9fe:a9fe]/",                 // IPv4-mapped 169.254.169.254, hex
      "http://[::127.0.0.1]/",                      // IPv4-compatible loopback
      "http://[64:ff9b::a9fe:a9fe]/",               // NAT64 of 169.254.169.254
      "http://[2002:7f00:1::]/",                    // 6to4 of 127.0.0.1
      "http://10.1.2.3/",                           // private
      "http://172.16.5.4/",                         // private
      "http://192.168.0.10/",                       // private
      "http://169.254.169.254/latest/meta-data/",   // link-local: cloud metadata
      "http://100.64.0.1/",                         // CGNAT
      "http://[fe80::1]/",                          // IPv6 link-local
      "http://[fd12:3456::1]/",                     // unique-local
      "http://224.0.0.1/",                          // multicast
      "http://[ff02::1]/",                          // IPv6 multicast
      "http://255.255.255.255/",                    // broadcast
      "http://240.0.0.1/",                          // reserved
      "http://192.0.2.10/",                         // documentation
      "http://[2001:db8::1]/",                      // IPv6 documentation
      "http://198.18.0.1/",                         // benchmarking
      "http://1.2.3.256/",                          // not an address
      "http://[fe80::1%25eth0]/",                   // a zone
      "ftp://example.com/hook",                     // not http(s)
      "file:///etc/passwd",                         // not http(s)
      "gopher://example.com/",                      // not http(s)
      "http://user:secret@example.com/hook",        // credentials
      "http:///no-host",                            // no host
      "not a url");

  /** Public addresses, in several spellings. */
  private static final List<String> ALLOWED = List.of(
      "http://93.184.216.34/hook",
      "https://8.8.8.8:8443/hooks?x=1",
      "http://[2606:4700:4700::1111]/",
      "http://0x5d.0xb8.0xd8.0x22/",                // 93.184.216.34 in hex
      "http://[::ffff:8.8.8.8]/");

  @Test
  @DisplayName("the guard refuses every URL of the SSRF table with invalid_input on the url field")
  void refusesTheTable(Vertx vertx, VertxTestContext test) {
    SsrfGuard guard = new SsrfGuard(vertx, false);
    List<Future<String>> answers = new ArrayList<>();
    for (String url : REFUSED) {
      answers.add(guard.check(url).map(target -> "ALLOWED " + url + " -> " + target.addressText())
          .recover(e -> Future.succeededFuture(e instanceof StagecoachException s && s.code() == ErrorCode.INVALID_INPUT
              && "url".equals(s.details().getString("field")) ? null : "WRONG ERROR " + url + ": " + e)));
    }
    Future.all(answers).onComplete(test.succeeding(all -> test.verify(() -> {
      List<String> wrong = answers.stream().map(Future::result).filter(r -> r != null).toList();
      assertTrue(REFUSED.size() >= 20);
      assertEquals(List.of(), wrong);
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("public addresses pass, canonicalised, with the port and request URI kept")
  void allowsPublic(Vertx vertx, VertxTestContext test) {
    SsrfGuard guard = new SsrfGuard(vertx, false);
    List<Future<SsrfGuard.Target>> targets = ALLOWED.stream().map(guard::check).toList();
    Future.all(targets).onComplete(test.succeeding(all -> test.verify(() -> {
      assertEquals("93.184.216.34:80", targets.get(0).result().addressText());
      SsrfGuard.Target tls = targets.get(1).result();
      assertTrue(tls.ssl());
      assertEquals("8.8.8.8:8443", tls.addressText());
      assertEquals("/hooks?x=1", tls.requestUri());
      assertEquals("[2606:4700:4700:0:0:0:0:1111]:80", targets.get(2).result().addressText());
      assertEquals("93.184.216.34:80", targets.get(3).result().addressText());
      assertEquals("8.8.8.8:80", targets.get(4).result().addressText());
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("odd IPv4 spellings are read as inet_aton reads them")
  void oddSpellings() {
    assertEquals("127.0.0.1", SsrfGuard.literal("2130706433").getHostAddress());
    assertEquals("127.0.0.1", SsrfGuard.literal("0177.0.0.1").getHostAddress());
    assertEquals("127.0.0.1", SsrfGuard.literal("0x7f.1").getHostAddress());
    assertEquals("127.0.0.1", SsrfGuard.literal("127.1").getHostAddress());
    assertEquals("10.0.0.1", SsrfGuard.literal("10.0.1").getHostAddress());
    assertEquals("169.254.169.254", SsrfGuard.literal("0xa9fea9fe").getHostAddress());
    assertNull(SsrfGuard.literal("example.com"));
    assertInstanceOf(StagecoachException.class, catchThrowable(() -> SsrfGuard.literal("256.1.1.1")));
    assertInstanceOf(StagecoachException.class, catchThrowable(() -> SsrfGuard.literal("foo.123")));
    assertInstanceOf(StagecoachException.class, catchThrowable(() -> SsrfGuard.literal("1.2.3.4.5")));
  }

  @Test
  @DisplayName("allowPrivate lets loopback, private and unique-local through, but never link-local, unspecified or multicast")
  void allowPrivate(Vertx vertx, VertxTestContext test) {
    SsrfGuard guard = new SsrfGuard(vertx, true);
    Future<SsrfGuard.Target> localhost = guard.check("http://localhost:8080/");
    Future<SsrfGuard.Target> lan = guard.check("http://192.168.1.20/");
    Future<SsrfGuard.Target> ula = guard.check("http://[fd00::5]/");
    Future<SsrfGuard.Target> metadata = guard.check("http://169.254.169.254/");
    Future<SsrfGuard.Target> unspecified = guard.check("http://0.0.0.0/");
    Future<SsrfGuard.Target> multicast = guard.check("http://224.0.0.1/");
    Future.join(localhost, lan, ula, metadata, unspecified, multicast).onComplete(done -> test.verify(() -> {
      assertTrue(localhost.result().address().isLoopbackAddress());
      assertEquals("localhost", localhost.result().host());
      assertTrue(lan.succeeded());
      assertTrue(ula.succeeded());
      assertTrue(metadata.failed());
      assertTrue(unspecified.failed());
      assertTrue(multicast.failed());
      test.completeNow();
    }));
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }
}
