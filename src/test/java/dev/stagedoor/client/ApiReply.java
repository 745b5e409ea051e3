package dev.stagedoor.client;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import tools.jackson.databind.json.JsonMapper;

/**
 * One answer of the API as {@link StagedoorClient} hands it over: the status, the headers, the
 * body as text, and the body decoded as JSON when it is a JSON object or array (on first use,
 * so a caller timing requests does not time the decoding: the drop driver records a request's
 * latency when the reply arrives, and reads the body after). Problem bodies are JSON objects
 * too: {@link #code()} is their stable {@code code}.
 */
public final class ApiReply {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Object NOT_JSON = new Object();

	private final int status;

	private final HttpHeaders headers;

	private final String raw;

	/** The decoded body, {@link #NOT_JSON}, or null until first asked for. */
	private volatile Object decoded;

	public ApiReply(int status, HttpHeaders headers, String raw) {
		this.status = status;
		this.headers = headers;
		this.raw = raw == null ? "" : raw;
	}

	/** A reply without headers, as a test builds one. */
	public static ApiReply of(int status, String raw) {
		return new ApiReply(status, HttpHeaders.EMPTY, raw);
	}

	public int status() {
		return this.status;
	}

	public HttpHeaders headers() {
		return this.headers;
	}

	/** The first value of the header {@code name}, or null. */
	public String header(String name) {
		return this.headers.getFirst(name);
	}

	/** The body as sent ("" when there was none). */
	public String raw() {
		return this.raw;
	}

	/**
	 * The body decoded as JSON (maps, lists, strings, numbers as Jackson reads them into
	 * {@code Object}), or null when it is empty or neither an object nor an array.
	 */
	public Object json() {
		Object json = this.decoded;
		if (json == null) {
			json = this.raw.startsWith("{") || this.raw.startsWith("[") ? JSON.readValue(this.raw, Object.class)
					: NOT_JSON;
			this.decoded = json;
		}
		return json == NOT_JSON ? null : json;
	}

	/** The body as a map when it is a JSON object, else an empty map. */
	@SuppressWarnings("unchecked")
	public Map<String, Object> body() {
		return json() instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
	}

	/** The body as a list when it is a JSON array, else an empty list. */
	public List<?> list() {
		return json() instanceof List<?> list ? list : List.of();
	}

	/** The body as a list of JSON objects (a seat map, a ledger, an inventory list). */
	@SuppressWarnings("unchecked")
	public List<Map<String, Object>> objects() {
		return (List<Map<String, Object>>) (List<?>) list();
	}

	/** The problem's {@code code}, or null when the body has none. */
	public String code() {
		return this.body().get("code") instanceof String code ? code : null;
	}

	/** The body's {@code state} (a reservation's), or null. */
	public String state() {
		return this.body().get("state") instanceof String state ? state : null;
	}

	/** The number at {@code field} of the body, as a long (an id, a balance). */
	public long number(String field) {
		Object value = this.body().get(field);
		if (!(value instanceof Number number)) {
			throw new IllegalStateException("no number '" + field + "' in " + this);
		}
		return number.longValue();
	}

	/** The reply when its status is {@code expected}; else an AssertionError showing what came. */
	public ApiReply expect(int expected) {
		if (this.status != expected) {
			throw new AssertionError("expected status " + expected + " but was " + this);
		}
		return this;
	}

	@Override
	public String toString() {
		return this.status + " " + this.raw;
	}

}
