package dev.stagedoor.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A script's reply read by name: a status, then field/value pairs, e.g.
 * {@code {'HELD', 'heldUntil', ms, 'amount', n, 'createdAt', ms}}. The layout is the script's
 * header comment; each feature turns it into its own record once, next to the code that runs
 * the script, so no caller reads a reply by position. Anything a script does not document
 * is an {@link UnexpectedReplyException} naming the script.
 */
public record ScriptReply(String script, String status, Map<String, String> fields) {

	public static ScriptReply of(String script, List<String> reply) {
		if (reply.isEmpty() || reply.size() % 2 == 0) {
			throw new UnexpectedReplyException(script, reply, "not a status followed by field/value pairs");
		}
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 1; i < reply.size(); i += 2) {
			fields.put(reply.get(i), reply.get(i + 1));
		}
		return new ScriptReply(script, reply.get(0), Collections.unmodifiableMap(fields));
	}

	/** The status as one of the script's documented statuses. */
	public <S extends Enum<S>> S status(Class<S> statuses) {
		try {
			return Enum.valueOf(statuses, this.status);
		}
		catch (IllegalArgumentException ex) {
			throw unexpected("unknown status '" + this.status + "'");
		}
	}

	public boolean has(String field) {
		return this.fields.containsKey(field);
	}

	public String text(String field) {
		String value = this.fields.get(field);
		if (value == null) {
			throw unexpected("no field '" + field + "'");
		}
		return value;
	}

	public long number(String field) {
		String value = text(field);
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw unexpected("field '" + field + "' is not a number: '" + value + "'");
		}
	}

	/** A comma-separated list of ids ({@code ''} for none). */
	public List<Long> ids(String field) {
		String value = text(field);
		List<Long> ids = new ArrayList<>();
		if (!value.isEmpty()) {
			for (String id : value.split(",")) {
				try {
					ids.add(Long.valueOf(id));
				}
				catch (NumberFormatException ex) {
					throw unexpected("field '" + field + "' is not a list of ids: '" + value + "'");
				}
			}
		}
		return List.copyOf(ids);
	}

	/** The error for a reply that is not what the script documents. */
	public UnexpectedReplyException unexpected(String why) {
		List<String> raw = new ArrayList<>();
		raw.add(this.status);
		this.fields.forEach((name, value) -> {
			raw.add(name);
			raw.add(value);
		});
		return new UnexpectedReplyException(this.script, raw, why);
	}

}
