package io.membership.query.projection;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The events recorded in {@code qs_projection_gaps} (each arrived past a version the
 * query side never received), as {@value #NAME}: anything above zero means a subscriber
 * of the topic may have missed the same events, and needs an operator and a rebuild.
 */
@Component
class ProjectionGapsGauge implements MeterBinder {

	static final String NAME = "membership.query.projection.gaps";

	private final JdbcClient jdbc;

	ProjectionGapsGauge(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(NAME, this, ProjectionGapsGauge::count)
			.description("Events the query side received past a gap in their organization's versions")
			.register(registry);
	}

	private double count() {
		try {
			return this.jdbc.sql("SELECT COUNT(*) FROM qs_projection_gaps").query(Long.class).single();
		}
		catch (RuntimeException unreachable) {
			// The database is unreachable: the count is unknown, not zero.
			return Double.NaN;
		}
	}

}
