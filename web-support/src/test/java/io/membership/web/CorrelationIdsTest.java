package io.membership.web;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelationIdsTest {

	@Test
	void a_made_up_id_is_a_random_uuid_the_service_accepts_back_as_a_header() {
		String id = CorrelationIds.newId();

		UUID uuid = UUID.fromString(id);
		assertThat(uuid.toString()).isEqualTo(id);
		assertThat(uuid.version()).isEqualTo(4);
		assertThat(uuid.variant()).isEqualTo(2);
		assertThat(CorrelationIds.isValid(id)).isTrue();
	}

	@Test
	void made_up_ids_differ_across_threads_and_calls() throws InterruptedException {
		Set<String> ids = java.util.Collections.synchronizedSet(new HashSet<>());
		Thread[] threads = new Thread[4];
		for (int t = 0; t < threads.length; t++) {
			threads[t] = new Thread(() -> {
				for (int i = 0; i < 25_000; i++) {
					ids.add(CorrelationIds.newId());
				}
			});
			threads[t].start();
		}
		for (Thread thread : threads) {
			thread.join();
		}

		assertThat(ids).hasSize(100_000);
	}

	@Test
	void a_header_with_characters_outside_the_allowed_set_is_not_recorded_as_it_is() {
		assertThat(CorrelationIds.isValid("req-42:a/b+c=")).isTrue();
		assertThat(CorrelationIds.isValid("two words")).isFalse();
		assertThat(CorrelationIds.isValid("")).isFalse();
		assertThat(CorrelationIds.isValid(null)).isFalse();
	}

}
