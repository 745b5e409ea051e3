package dev.stagedoor.web.constraints;

import jakarta.validation.GroupSequence;
import jakarta.validation.groups.Default;

/**
 * The validation group of the checks that need the fields valid first: a request's own rules
 * across fields or elements (a deadline before a start, names that differ, a total of seats,
 * ids that do not repeat), and a time that must still lie ahead. They run only when every
 * field constraint (the {@link Default} group) has passed, so a request with malformed fields
 * is answered with those alone, as the controllers answered it when they checked these rules
 * by hand after bean validation.
 */
public interface Consistency {

	/**
	 * Validate a request body with {@code @Validated(Consistency.FieldsFirst.class)} to run the
	 * field constraints, then, if they all passed, the {@link Consistency} ones.
	 */
	@GroupSequence({ Default.class, Consistency.class })
	interface FieldsFirst {

	}

}
