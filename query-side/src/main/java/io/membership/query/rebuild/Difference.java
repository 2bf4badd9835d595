package io.membership.query.rebuild;

/**
 * One live row that is not what the replay gives.
 *
 * @param table the projection table
 * @param key the row's primary key, as {@code (column=value, ...)}
 * @param what how it differs: only in the live table, missing from it, or which columns
 * hold other values
 */
public record Difference(String table, String key, String what) {
}
