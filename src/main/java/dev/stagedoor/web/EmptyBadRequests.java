package dev.stagedoor.web;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gives a problem body to the 400s answered below Spring: Netty refusing a request it cannot
 * decode (a space in the request line, a header name with a space, a NUL in a header value)
 * and Spring's Reactor adapter refusing a URI it cannot parse ({@code /api/x/%ZZ}). Both
 * answer an empty 400 and close; this handler, between the HTTP codec and the rest of the
 * pipeline, turns exactly such a response (400, no body, no content type) into 400
 * {@code malformed-request}. Every 400 the application itself sends already has a body.
 */
@Component
class EmptyBadRequests implements NettyServerCustomizer {

	static final String HANDLER = "stagedoor.emptyBadRequests";

	private final byte[] body;

	EmptyBadRequests(JsonMapper json) {
		var problem = Problem.of(HttpStatus.BAD_REQUEST, "malformed-request",
				"The request was refused before reaching the API: request is not well-formed HTTP (request line, "
						+ "header names and values, percent-encoding of the URI).");
		problem.setProperty("field", "request");
		problem.setProperty("errors", java.util.List.of("request: is not well-formed HTTP"));
		this.body = json.writeValueAsBytes(Problem.body(problem));
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remote) -> {
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(HANDLER) == null) {
				pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, new Rewriter(this.body));
			}
		});
	}

	static final class Rewriter extends ChannelDuplexHandler {

		private final byte[] body;

		Rewriter(byte[] body) {
			this.body = body;
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			if (msg instanceof FullHttpResponse response && isEmptyBadRequest(response)) {
				FullHttpResponse replaced = new DefaultFullHttpResponse(response.protocolVersion(), response.status(),
						ctx.alloc().buffer(this.body.length).writeBytes(this.body));
				replaced.headers().set(response.headers());
				replaced.headers().set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
				replaced.headers().set(HttpHeaderNames.CONTENT_LENGTH, this.body.length);
				response.release();
				ctx.write(replaced, promise);
				return;
			}
			ctx.write(msg, promise);
		}

		private static boolean isEmptyBadRequest(FullHttpResponse response) {
			return response.status().code() == HttpResponseStatus.BAD_REQUEST.code()
					&& response.content().readableBytes() == 0
					&& !response.headers().contains(HttpHeaderNames.CONTENT_TYPE);
		}

	}

}
