package dev.stagedoor.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a handler method answers, for the OpenAPI document ({@link OpenApiConfiguration}); the
 * handler's behaviour does not depend on them. Problems every call can answer (401, 503, …)
 * and those implied by its inputs are added there, so a handler lists only its own.
 */
public final class ApiDoc {

	private ApiDoc() {
	}

	/** A successful answer; for handlers whose return type does not tell it (ResponseEntity&lt;Object&gt;). */
	@Documented
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@Repeatable(Answers.class)
	public @interface Answer {

		int status();

		String description();

		/** The body's type; {@code Void} for none. */
		Class<?> body() default Void.class;

		/** The body is a JSON array of {@link #body()}. */
		boolean array() default false;

		/** Response headers, by name; {@link OpenApiConfiguration} describes them. */
		String[] headers() default {};

	}

	@Documented
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	public @interface Answers {

		Answer[] value();

	}

	/** The problem codes this handler itself can answer (see {@link ProblemCode}). */
	@Documented
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	public @interface Problems {

		ProblemCode[] value();

	}

	/** A server-sent events stream: the events it sends, by name. */
	@Documented
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	public @interface EventStream {

		/** How the stream behaves: when it sends, when it ends, what its event ids mean. */
		String description();

		Event[] value();

	}

	@Documented
	@Target({})
	@Retention(RetentionPolicy.RUNTIME)
	public @interface Event {

		String name();

		String description();

		/** The type of the event's JSON {@code data}. */
		Class<?> data();

		boolean array() default false;

	}

}
