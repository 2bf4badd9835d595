package io.membership.infra.axon;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.List;

import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * Two instances that decide a command on the same organization at once both try to append
 * at the same sequence number; PostgreSQL's unique key refuses the second. That refusal
 * must reach the command gateway as Axon's {@link ConcurrencyException}, which it retries
 * on fresh state, and not as a failure that ends in a 500. The fault-injection suite
 * found the second with two real instances; this is the same append, in-process.
 */
@PostgresServiceTest
class EventStoreConflictTest {

	@LocalServerPort
	int port;

	@Autowired
	EventStorageEngine eventStore;

	@Test
	void an_append_at_a_sequence_number_another_writer_took_is_a_concurrency_conflict() {
		TestOrganization org = TestOrganization.create(this.port);
		org.invite("taken@conflict.test", "AN");

		GenericDomainEventMessage<String> late = new GenericDomainEventMessage<>("Organization", org.id(), 1,
				"decided on a stale organization");
		assertThatExceptionOfType(ConcurrencyException.class)
			.isThrownBy(() -> this.eventStore.appendEvents(List.of(late)));
	}

}
