package io.stagecoach.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.stagecoach.config.HttpConfig;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's HTTP/1.x connections as Netty carries them, where Vert.x has no hook (hence its
 * internal {@code ConnectionBase} and decoder): framing two parsers could read differently is
 * refused, and a client too slow to send its request is cut off. Per connection:
 * <ul>
 *   <li>{@code Content-Length} with {@code Transfer-Encoding}: Netty would drop the length and read
 *   chunks, where a proxy in front may have read the length — a request-smuggling shape; {@code 400}.
 *   <li>A version but HTTP/1.0 or 1.1: {@code 505} with a body, not Vert.x's empty {@code 501}.
 *   <li>A broken chunk: {@code 400} (Vert.x would close without an answer and log a stack trace).
 *   <li>Idle: nothing received for {@link HttpConfig#idleTimeout}, unless the API owes the answer
 *   to a request read whole (a long poll is not idle); closed.
 *   <li>Stalled: a request not read whole within {@link HttpConfig#requestReadTimeout} of its
 *   first byte, however steadily it trickles; closed.
 * </ul>
 * Refusals of a whole request reach {@code ApiVerticle}'s invalid-request handler as a failed
 * {@link DecoderResult} whose cause is a {@link Refusal}; none is logged above DEBUG.
 */
final class HttpEdge extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);
  private static final String DECODER = "httpDecoder";
  private static final String VERTX_HANDLER = "handler";

  /** Why a request is refused, with the status it is answered with; a cause in a decoder result, so without a stack. */
  static final class Refusal extends RuntimeException {
    private final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /** Netty's decoder, refusing what it would otherwise mend silently. */
  private static final class StrictDecoder extends VertxHttpRequestDecoder {
    StrictDecoder(HttpServerOptions options) {
      super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      super.handleTransferEncodingChunkedWithContentLength(message);
      message.setDecoderResult(DecoderResult.failure(
          new Refusal(400, "the request has both Content-Length and Transfer-Encoding; send one")));
    }
  }

  private final long idleMs;
  private final long requestReadMs;
  /** A request's bytes have arrived but not yet its end. */
  private boolean reading;
  /** This read brought the end of a request, so leftover bytes are not (yet) known to start another. */
  private boolean endInThisRead;
  /** Requests received and not yet answered in full. */
  private int unanswered;
  /** The current request has an answer started. */
  private boolean answered;
  /** A broken body was refused: whatever else arrives is dropped. */
  private boolean refused;
  /** The cause of the request refused last, which Vert.x fires back through the pipeline once answered. */
  private Throwable refusalInFlight;
  /** When a byte last arrived, or an answer was finished. */
  private long lastActivityNanos = System.nanoTime();
  private ScheduledFuture<?> idleCheck;
  private ScheduledFuture<?> readDeadline;

  private HttpEdge(HttpConfig config) {
    this.idleMs = config.idleTimeout().toMillis();
    this.requestReadMs = config.requestReadTimeout().toMillis();
  }

  /** Puts the strict decoder and the edge on a new connection, before it has read anything. */
  static void install(HttpConnection connection, HttpServerOptions options, HttpConfig config) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    if (pipeline.get(DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
      return;
    }
    pipeline.replace(DECODER, DECODER, new StrictDecoder(options));
    pipeline.addBefore(VERTX_HANDLER, "stagecoachEdge", new HttpEdge(config));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    watchIdle(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      begin(ctx);
      unanswered++;
      answered = false;
      checkVersion(request);
      if (request.decoderResult().isFailure()) {
        refusalInFlight = request.decoderResult().cause();
      }
    } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      refuseBody(ctx, "the request body's chunked framing is broken");
      return;
    }
    if (msg instanceof LastHttpContent) {
      reading = false;
      endInThisRead = true;
      cancel(readDeadline);
    }
    ctx.fireChannelRead(msg);
  }

  /** Bytes that decoded into no message yet: the start of a request whose line or headers trickle in. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!reading && !endInThisRead && !refused) {
      begin(ctx);
    }
    endInThisRead = false;
    lastActivityNanos = System.nanoTime();
    watchIdle(ctx);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean informational = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (!informational) {
      if (msg instanceof HttpResponse) {
        answered = true;
      }
      if (msg instanceof LastHttpContent && --unanswered <= 0) {
        unanswered = 0;
        lastActivityNanos = System.nanoTime();
        watchIdle(ctx);
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause == refusalInFlight) {
      // Vert.x fails the connection with the cause of an invalid request it has answered: already said.
      ctx.close();
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel(idleCheck);
    cancel(readDeadline);
    ctx.fireChannelInactive();
  }

  private void begin(ChannelHandlerContext ctx) {
    if (!reading) {
      reading = true;
      readDeadline = ctx.executor().schedule(() -> close(ctx, "its request did not arrive within " + requestReadMs + " ms"),
          requestReadMs, TimeUnit.MILLISECONDS);
    }
  }

  /** One check pending at a time, re-run for the rest of the period when there was activity (as Netty's IdleStateHandler). */
  private void watchIdle(ChannelHandlerContext ctx) {
    if (idleCheck == null) {
      idleCheck = ctx.executor().schedule(() -> checkIdle(ctx), idleMs, TimeUnit.MILLISECONDS);
    }
  }

  private void checkIdle(ChannelHandlerContext ctx) {
    idleCheck = null;
    if (unanswered > 0 && !reading) {
      return;
    }
    long quietMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
    if (quietMs >= idleMs) {
      close(ctx, "it sent nothing for " + quietMs + " ms");
    } else {
      idleCheck = ctx.executor().schedule(() -> checkIdle(ctx), idleMs - quietMs, TimeUnit.MILLISECONDS);
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private static void close(ChannelHandlerContext ctx, String why) {
    LOG.debug("closing the connection from {}: {}", ctx.channel().remoteAddress(), why);
    ctx.close();
  }

  /** Answered by the invalid-request handler, in HTTP/1.1 that the client can read (Vert.x would echo the version). */
  private static void checkVersion(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    if (request.decoderResult().isSuccess() && !HttpVersion.HTTP_1_1.equals(version) && !HttpVersion.HTTP_1_0.equals(version)) {
      request.setProtocolVersion(HttpVersion.HTTP_1_1);
      request.setDecoderResult(DecoderResult.failure(new Refusal(505, version.text() + " is not supported; send HTTP/1.1")));
    }
  }

  /** A body broken mid-way: the answer, if none was started, comes from here; Vert.x only sees the connection close. */
  private void refuseBody(ChannelHandlerContext ctx, String why) {
    refused = true;
    cancel(idleCheck);
    cancel(readDeadline);
    LOG.debug("refusing a request from {}: {}", ctx.channel().remoteAddress(), why);
    if (answered) {
      ctx.close();
      return;
    }
    byte[] body = StagecoachException.invalidInput(why).toJson().encode().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
        Unpooled.wrappedBuffer(body));
    MultiMap security = io.vertx.core.http.HttpHeaders.headers();
    SecurityHeaders.apply(security);
    for (Map.Entry<String, String> header : security) {
      response.headers().set(header.getKey(), header.getValue());
    }
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, Responses.JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
