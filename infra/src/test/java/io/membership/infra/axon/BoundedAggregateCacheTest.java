package io.membership.infra.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The contract Axon's repositories rely on: what was put is found until removed or pushed
 * out by newer entries, and each operation reports what it did.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BoundedAggregateCacheTest {

	@Test
	void an_organization_put_is_found_until_it_is_removed() {
		BoundedAggregateCache cache = new BoundedAggregateCache(10);
		cache.put("org_a", "state of a");

		assertThat(cache.containsKey("org_a")).isTrue();
		assertThat((String) cache.get("org_a")).isEqualTo("state of a");
		assertThat(cache.remove("org_a")).isTrue();
		assertThat(cache.remove("org_a")).as("nothing left to remove").isFalse();
		assertThat((String) cache.get("org_a")).isNull();
	}

	@Test
	void put_if_absent_keeps_the_first_value_and_says_whether_it_stored() {
		BoundedAggregateCache cache = new BoundedAggregateCache(10);

		assertThat(cache.putIfAbsent("org_a", "first")).isTrue();
		assertThat(cache.putIfAbsent("org_a", "second")).isFalse();
		assertThat((String) cache.get("org_a")).isEqualTo("first");
	}

	@Test
	void compute_if_absent_asks_for_a_value_only_when_there_is_none() {
		BoundedAggregateCache cache = new BoundedAggregateCache(10);

		assertThat(cache.<String>computeIfAbsent("org_a", () -> "loaded")).isEqualTo("loaded");
		assertThat(cache.<String>computeIfAbsent("org_a", () -> "loaded again")).isEqualTo("loaded");
	}

	@Test
	void compute_if_present_changes_only_what_is_there() {
		BoundedAggregateCache cache = new BoundedAggregateCache(10);
		cache.put("org_a", "v1");

		cache.<String>computeIfPresent("org_a", (value) -> value + "+1");
		cache.<String>computeIfPresent("org_b", (value) -> "never");

		assertThat((String) cache.get("org_a")).isEqualTo("v1+1");
		assertThat(cache.containsKey("org_b")).isFalse();
	}

	@Test
	void it_keeps_no_more_organizations_than_its_size() {
		BoundedAggregateCache cache = new BoundedAggregateCache(100);
		for (int i = 0; i < 1_000; i++) {
			cache.put("org_" + i, "state " + i);
		}

		assertThat(cache.size()).isLessThanOrEqualTo(100);
	}

	@Test
	void remove_all_empties_it() {
		BoundedAggregateCache cache = new BoundedAggregateCache(10);
		cache.put("org_a", "a");
		cache.put("org_b", "b");

		cache.removeAll();

		assertThat(cache.size()).isZero();
	}

	@Test
	void a_listener_is_refused_rather_than_silently_never_called() {
		BoundedAggregateCache cache = new BoundedAggregateCache(10);

		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> cache
			.registerCacheEntryListener(new org.axonframework.common.caching.Cache.EntryListenerAdapter()));
	}

}
