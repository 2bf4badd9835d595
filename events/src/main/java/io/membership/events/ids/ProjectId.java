package io.membership.events.ids;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A project, by the upstream app's own id (Label Studio's are integers): 1 to 64
 * characters of {@code [A-Za-z0-9._-]}, unique within an organization. The service never
 * generates one. Unlike the generated ids, there is no looser rule for stored events:
 * every project id ever stored was held to this one.
 */
public record ProjectId(@JsonValue String value) implements Comparable<ProjectId> {

	private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	@JsonCreator
	public ProjectId {
		if (!isWellFormed(value)) {
			throw new IllegalArgumentException("project id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
		}
	}

	public static boolean isWellFormed(String value) {
		return value != null && SHAPE.matcher(value).matches();
	}

	/**
	 * An immutable, sorted copy (empty for null): events list projects in a stable order
	 * so that the same event always serializes to the same bytes.
	 */
	public static Set<ProjectId> sortedSet(Collection<ProjectId> projects) {
		return (projects != null) ? Collections.unmodifiableSortedSet(new TreeSet<>(projects)) : Set.of();
	}

	@Override
	public int compareTo(ProjectId other) {
		return this.value.compareTo(other.value);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
