package dev.stagedoor.support;

import java.util.List;

/**
 * A Lua script replied something its header does not document: a bug (a script and its
 * Java reader disagree), never a client's fault. Named after the script, with the reply.
 */
public class UnexpectedReplyException extends IllegalStateException {

	private final String script;

	public UnexpectedReplyException(String script, List<String> reply, String why) {
		super(script + " replied " + reply + ": " + why);
		this.script = script;
	}

	public String script() {
		return this.script;
	}

}
