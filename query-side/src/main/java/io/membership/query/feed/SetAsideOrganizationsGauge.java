package io.membership.query.feed;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

import io.membership.query.view.PermissionView;

/**
 * How many organizations the query side has set aside (answering 503 {@code view_stale}),
 * as {@value #NAME}: anything above zero needs an operator and a rebuild.
 */
@Component
class SetAsideOrganizationsGauge implements MeterBinder {

	static final String NAME = "membership.query.organizations.quarantined";

	private final PermissionView view;

	SetAsideOrganizationsGauge(PermissionView view) {
		this.view = view;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(NAME, this.view, (held) -> held.setAside().size())
			.description("Organizations whose views are set aside until rebuilt (queries answer view_stale)")
			.register(registry);
	}

}
