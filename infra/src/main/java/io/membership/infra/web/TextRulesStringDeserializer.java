package io.membership.infra.web;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.type.LogicalType;

import io.membership.events.text.FreeText;
import io.membership.events.text.TextRules;

/**
 * Every string of a request body, read as Jackson reads it (with the mapper's coercion
 * rules) and then held to {@link TextRules}: one line unless its field is marked
 * {@link FreeText}. Registered for {@code String} on the web layer's mapper, so no field
 * of any request can be forgotten, elements of lists included.
 */
final class TextRulesStringDeserializer extends StdScalarDeserializer<String> {

	private final TextRules.Kind kind;

	TextRulesStringDeserializer() {
		this(TextRules.Kind.LINE);
	}

	private TextRulesStringDeserializer(TextRules.Kind kind) {
		super(String.class);
		this.kind = kind;
	}

	@Override
	public ValueDeserializer<?> createContextual(DeserializationContext context, BeanProperty property) {
		TextRules.Kind wanted = (property != null && property.getAnnotation(FreeText.class) != null)
				? TextRules.Kind.FREE_TEXT : TextRules.Kind.LINE;
		return (wanted == this.kind) ? this : new TextRulesStringDeserializer(wanted);
	}

	@Override
	public LogicalType logicalType() {
		return LogicalType.Textual;
	}

	@Override
	public Object getEmptyValue(DeserializationContext context) {
		return "";
	}

	@Override
	public String deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
		String value = StringDeserializer.instance.deserialize(parser, context);
		if (value != null) {
			TextRules.violation(value, this.kind).ifPresent((violation) -> {
				throw new InvalidTextException(parser, violation);
			});
		}
		return value;
	}

	/**
	 * A string that breaks a text rule; Jackson adds the path of the field it was read
	 * for, which names it in the answer.
	 */
	static final class InvalidTextException extends MismatchedInputException {

		private final TextRules.Violation violation;

		InvalidTextException(JsonParser parser, TextRules.Violation violation) {
			super(parser, "A string " + violation.phrase(), String.class);
			this.violation = violation;
		}

		TextRules.Violation violation() {
			return this.violation;
		}

	}

}
