package io.membership.infra.erasure;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.membership.audit.AuditSigner;
import io.membership.audit.personal.AddressMigration;

/** Personal data apart from the events: the one-time migration and the erasure. */
@Configuration(proxyBeanMethods = false)
class ErasureConfiguration {

	@Bean
	static V13__Personal_data_out_of_stored_events personalDataOutOfStoredEvents(AuditSigner signer, Clock clock) {
		return new V13__Personal_data_out_of_stored_events(new AddressMigration(signer, clock));
	}

}
