package io.membership.infra.axon;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.Caffeine;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;

/**
 * Axon's aggregate cache over a Caffeine cache that keeps up to a number of recently used
 * organizations.
 *
 * <p>
 * Axon's {@code WeakReferenceCache} lost nearly every organization between two of its
 * commands: the garbage collector clears weak references at each young collection, which
 * under load comes several times a second, so most commands rebuilt their organization
 * from its snapshot and the events after it (in the benchmark, 24,883 rebuilds reading
 * 769,808 events for 30,576 commands). Values are also held softly, so a heap under
 * pressure may still reclaim cached organizations before it runs out.
 */
final class BoundedAggregateCache implements Cache {

	private final com.github.benmanes.caffeine.cache.Cache<Object, Object> entries;

	BoundedAggregateCache(long maximumEntries) {
		this.entries = Caffeine.newBuilder().maximumSize(maximumEntries).softValues().build();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <K, V> V get(K key) {
		return (V) this.entries.getIfPresent(key);
	}

	@Override
	public void put(Object key, Object value) {
		this.entries.put(key, value);
	}

	@Override
	public boolean putIfAbsent(Object key, Object value) {
		return this.entries.asMap().putIfAbsent(key, value) == null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T computeIfAbsent(Object key, Supplier<T> valueSupplier) {
		return (T) this.entries.get(key, (absent) -> valueSupplier.get());
	}

	@Override
	public boolean remove(Object key) {
		return this.entries.asMap().remove(key) != null;
	}

	@Override
	public void removeAll() {
		this.entries.invalidateAll();
	}

	@Override
	public boolean containsKey(Object key) {
		return this.entries.getIfPresent(key) != null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <V> void computeIfPresent(Object key, UnaryOperator<V> update) {
		this.entries.asMap().computeIfPresent(key, (present, value) -> update.apply((V) value));
	}

	/**
	 * Nothing in this service listens to the cache; a listener registered here would
	 * never be called, so registering one is refused rather than ignored.
	 */
	@Override
	public Registration registerCacheEntryListener(EntryListener listener) {
		throw new UnsupportedOperationException("The organization cache does not notify listeners");
	}

	long size() {
		this.entries.cleanUp();
		return this.entries.estimatedSize();
	}

}
