package dev.stagedoor.web;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import org.hibernate.validator.constraints.UniqueElements;
import org.springframework.core.MethodParameter;
import org.springframework.web.method.HandlerMethod;

import dev.stagedoor.web.constraints.EnumName;

/**
 * Makes the request schemas say what their Bean Validation constraints enforce, where
 * swagger-core's reading is looser: {@code @NotEmpty} and {@code @NotBlank} next to a
 * {@code @Size(max = …)} come out as {@code minItems}/{@code minLength} 0 (the size's default
 * minimum wins), and {@code @Positive} as {@code minimum: 0} with an exclusive flag that
 * OpenAPI 3.1 does not print (integers here, so "positive" is {@code minimum: 1}). It does not
 * read Hibernate's {@code @UniqueElements} ({@code uniqueItems}) nor Stagedoor's own
 * {@link EnumName} ({@code enum}).
 */
final class ConstraintSchemas {

	private ConstraintSchemas() {
	}

	/** {@code @NotEmpty}/{@code @NotBlank} components of a request record (and the records it holds). */
	static void applyNotEmpty(Map<String, Schema> schemas, Class<?> type) {
		applyNotEmpty(schemas, type, new HashSet<>());
	}

	private static void applyNotEmpty(Map<String, Schema> schemas, Class<?> type, Set<Class<?>> seen) {
		if (!type.isRecord() || !seen.add(type)) {
			return;
		}
		Schema<?> schema = schemas.get(type.getSimpleName());
		for (RecordComponent component : type.getRecordComponents()) {
			Schema<?> property = schema == null || schema.getProperties() == null ? null
					: schema.getProperties().get(component.getName());
			if (property != null && is(property, "array") && annotated(type, component, UniqueElements.class)) {
				property.setUniqueItems(true);
			}
			if (property != null && (annotated(type, component, NotEmpty.class)
					|| annotated(type, component, NotBlank.class))) {
				if (is(property, "array") && (property.getMinItems() == null || property.getMinItems() < 1)) {
					property.setMinItems(1);
				}
				if (is(property, "string") && (property.getMinLength() == null || property.getMinLength() < 1)) {
					property.setMinLength(1);
				}
			}
			Type generic = component.getGenericType();
			if (generic instanceof ParameterizedType parameterized) {
				for (Type argument : parameterized.getActualTypeArguments()) {
					if (argument instanceof Class<?> element) {
						applyNotEmpty(schemas, element, seen);
					}
				}
			}
			applyNotEmpty(schemas, component.getType(), seen);
		}
	}

	private static boolean annotated(Class<?> record, RecordComponent component, Class<? extends Annotation> constraint) {
		try {
			Field field = record.getDeclaredField(component.getName());
			return field.isAnnotationPresent(constraint);
		}
		catch (NoSuchFieldException ex) {
			return false;
		}
	}

	/**
	 * A query parameter or header constrained by {@link EnumName} lists the names as its
	 * schema's {@code enum}.
	 */
	@SuppressWarnings("unchecked")
	static void applyEnumNames(Operation operation, HandlerMethod handler) {
		if (operation.getParameters() == null) {
			return;
		}
		for (MethodParameter parameter : handler.getMethodParameters()) {
			EnumName names = parameter.getParameterAnnotation(EnumName.class);
			if (names == null) {
				continue;
			}
			String name = InputErrors.nameOf(parameter);
			List<String> constants = Arrays.stream(names.value().getEnumConstants()).map(Enum::name).toList();
			operation.getParameters()
				.stream()
				.filter(p -> name.equals(p.getName()) && p.getSchema() != null && is(p.getSchema(), "string"))
				.forEach(p -> ((Schema<String>) p.getSchema()).setEnum(constants));
		}
	}

	/** An integer schema with an exclusive minimum (a {@code @Positive} element type) gets the inclusive one. */
	static void tighten(Schema<?> schema) {
		if (schema == null) {
			return;
		}
		if (is(schema, "integer") && (Boolean.TRUE.equals(schema.getExclusiveMinimum())
				|| schema.getExclusiveMinimumValue() != null)) {
			BigDecimal bound = schema.getExclusiveMinimumValue() != null ? schema.getExclusiveMinimumValue()
					: schema.getMinimum();
			if (bound != null) {
				schema.setMinimum(bound.add(BigDecimal.ONE));
				schema.setExclusiveMinimum(null);
				schema.setExclusiveMinimumValue(null);
			}
		}
		tighten(schema.getItems());
		if (schema.getProperties() != null) {
			schema.getProperties().values().forEach(ConstraintSchemas::tighten);
		}
	}

	private static boolean is(Schema<?> schema, String type) {
		Set<String> types = schema.getTypes();
		return (types != null && types.contains(type)) || type.equals(schema.getType());
	}

}
