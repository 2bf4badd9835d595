package io.membership.infra.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * The web layer's JSON mapper (Spring Boot's, which reads every request body) takes a
 * value only as its declared type: no number from a string ({@code "+2"},
 * {@code "0005"}), no integer from a fraction or an exponent ({@code 2.5}, {@code 1e0}),
 * no string from a number or a boolean, no boolean from anything but {@code true} and
 * {@code false}; a key given twice is refused rather than the last one winning; and every
 * string obeys the text rules ({@link TextRulesStringDeserializer}). Each refusal reaches
 * {@code ProblemDetailsAdvice} and is answered 400 in plain words.
 *
 * <p>
 * The events' own mapper ({@code MembershipJson}, the event store and Kafka) is left as
 * it is: it reads only what this service wrote, and what it once stored must still read
 * (a tolerant reader, see the README).
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

	/** After Boot's own customizer, which applies the {@code spring.jackson} settings. */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	JsonMapperBuilderCustomizer strictRequestBodies() {
		return (builder) -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.withCoercionConfig(LogicalType.Integer,
					(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Float,
					(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Boolean,
					(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Textual,
					(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.addModule(new SimpleModule("text-rules").addDeserializer(String.class, new TextRulesStringDeserializer()));
	}

}
