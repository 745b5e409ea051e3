package dev.stagedoor.web;

import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.List;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Turns an unreadable request (a body Jackson refused, a path variable, query parameter or
 * header of the wrong type, a missing value) into a 400 {@code validation-failed} that
 * names the offending field and says what it must be.
 */
final class InputErrors {

	static final String INTEGER = "must be a JSON integer (a number without fraction or exponent, not a string or boolean)";

	private static final int MAX_ECHOED = 40;

	private InputErrors() {
	}

	static ProblemDetail describe(ServerWebInputException ex) {
		JacksonException json = cause(ex, JacksonException.class);
		if (json != null) {
			return fromJson(json);
		}
		if (ex instanceof MissingRequestValueException missing) {
			return Problem.invalid(missing.getName(), "is required (" + missing.getLabel() + ")");
		}
		MethodParameter parameter = ex.getMethodParameter();
		if (parameter == null) {
			return Problem.invalid("request", ex.getReason() != null ? "is invalid: " + ex.getReason() : "is invalid");
		}
		if (parameter.hasParameterAnnotation(RequestBody.class)) {
			return Problem.invalid("body", "is required: a JSON object");
		}
		TypeMismatchException mismatch = cause(ex, TypeMismatchException.class);
		String why = mismatch != null ? expected(mismatch.getRequiredType()) : "is invalid";
		if (mismatch != null && mismatch.getValue() != null) {
			why += ", not \"" + echo(String.valueOf(mismatch.getValue())) + "\"";
		}
		return Problem.invalid(nameOf(parameter), why + " (" + sourceOf(parameter) + ")");
	}

	private static ProblemDetail fromJson(JacksonException ex) {
		String path = path(ex.getPath());
		String field = path.isEmpty() ? "body" : path;
		if (ex instanceof InputCoercionException coercion) {
			return Problem.invalid(field, "is out of range: " + expected(coercion.getTargetType()) + range(coercion.getTargetType()));
		}
		if (ex instanceof MismatchedInputException mismatch) {
			Class<?> target = mismatch.getTargetType();
			if (path.isEmpty() && !isScalar(target) && !isArray(target)) {
				return Problem.invalid(field, "must be a JSON object");
			}
			return Problem.invalid(field, expected(target));
		}
		if (ex instanceof StreamReadException read && read.getLocation() != null) {
			return Problem.invalid("body", "is not valid JSON (line " + read.getLocation().getLineNr() + ", column "
					+ read.getLocation().getColumnNr() + ")");
		}
		return Problem.invalid(field, "is not valid for this call");
	}

	private static String expected(Class<?> type) {
		if (type == null) {
			return "has the wrong type";
		}
		if (isIntegral(type)) {
			return INTEGER;
		}
		if (type == String.class) {
			return "must be a string";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "must be true or false";
		}
		if (Temporal.class.isAssignableFrom(type)) {
			return "must be an ISO-8601 instant such as 2027-06-01T19:00:00Z";
		}
		if (isArray(type)) {
			return "must be a JSON array";
		}
		if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
			return "must be a number";
		}
		return "must be a JSON object";
	}

	private static String range(Class<?> type) {
		if (type == Long.class || type == long.class) {
			return " from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
		}
		if (type == Integer.class || type == int.class) {
			return " from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
		}
		if (type == Short.class || type == short.class) {
			return " from " + Short.MIN_VALUE + " to " + Short.MAX_VALUE;
		}
		return "";
	}

	private static boolean isIntegral(Class<?> type) {
		return type == Long.class || type == long.class || type == Integer.class || type == int.class
				|| type == Short.class || type == short.class || type == Byte.class || type == byte.class
				|| type == BigInteger.class;
	}

	private static boolean isScalar(Class<?> type) {
		return type != null && (type.isPrimitive() || Number.class.isAssignableFrom(type) || type == String.class
				|| type == Boolean.class || Temporal.class.isAssignableFrom(type));
	}

	private static boolean isArray(Class<?> type) {
		return type != null && (type.isArray() || Collection.class.isAssignableFrom(type));
	}

	/** {@code sections[0].rows}, {@code seatIds[1]}, {@code amount}. */
	static String path(List<JacksonException.Reference> references) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : references) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	/** The name the client used: the annotation's ({@code Idempotency-Key}), else the parameter's. */
	static String nameOf(MethodParameter parameter) {
		String declared = "";
		PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
		RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
		RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
		if (path != null) {
			declared = path.name();
		}
		else if (param != null) {
			declared = param.name();
		}
		else if (header != null) {
			declared = header.name();
		}
		if (!declared.isEmpty()) {
			return declared;
		}
		String name = parameter.getParameterName();
		return name != null ? name : "parameter " + parameter.getParameterIndex();
	}

	private static String sourceOf(MethodParameter parameter) {
		if (parameter.hasParameterAnnotation(PathVariable.class)) {
			return "path variable";
		}
		if (parameter.hasParameterAnnotation(RequestParam.class)) {
			return "query parameter";
		}
		if (parameter.hasParameterAnnotation(RequestHeader.class)) {
			return "header";
		}
		return "request";
	}

	private static String echo(String value) {
		String printable = value.codePoints()
			.map(c -> c < 0x20 || c == 0x7f ? '?' : c)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return printable.length() <= MAX_ECHOED ? printable : printable.substring(0, MAX_ECHOED) + "…";
	}

	private static <T extends Throwable> T cause(Throwable ex, Class<T> type) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return type.cast(t);
			}
		}
		return null;
	}

}
