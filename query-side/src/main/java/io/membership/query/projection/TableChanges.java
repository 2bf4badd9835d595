package io.membership.query.projection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the events of one poll do to a table whose rows events change in place (insert,
 * update, delete), folded per primary key into what each key ends with, so that a row is
 * written once per poll however many events changed it, and ends as applying the events
 * one by one would have left it.
 *
 * <p>
 * A key ends in one of three ways: inserted (the whole row is known here, since an event
 * of this poll made it; with the row an event of this poll deleted before it replaced),
 * updated (only the columns the events set are known: they are applied to whatever row
 * the table has, and an update of a missing row changes nothing, as it would have one by
 * one), or deleted. {@link #flush} writes them in an order that gives that result
 * whatever the keys: the deletes (of whole groups first, then of single keys), then the
 * inserts, then the updates, each statement's rows in one JDBC batch.
 */
final class TableChanges {

	private final String table;

	private final List<String> key;

	/** By key (the key columns' values in order), in first-change order. */
	private final Map<List<Object>, Pending> pending = new LinkedHashMap<>();

	/** The groups deleted whole, as the values of the leading key columns. */
	private final List<List<Object>> groupsDeleted = new ArrayList<>();

	TableChanges(String table, String... key) {
		this.table = table;
		this.key = List.of(key);
	}

	/** A new row; its key columns must be among its columns. */
	void insert(Map<String, Object> row) {
		List<Object> rowKey = this.key.stream().map(row::get).toList();
		Pending before = this.pending.get(rowKey);
		if (before != null && before.row != null) {
			// One by one, the second insert would fail on the primary key; so does the
			// poll.
			throw new IllegalStateException(this.table + " row " + rowKey + " inserted twice");
		}
		Pending inserted = new Pending();
		inserted.row = new LinkedHashMap<>(row);
		inserted.deleteFirst = (before != null) && before.deleteFirst;
		this.pending.put(rowKey, inserted);
	}

	/** Sets these columns of the row with this key, if it has one. */
	void update(List<Object> rowKey, Map<String, Object> columns) {
		Pending pending = this.pending.computeIfAbsent(rowKey, (any) -> new Pending());
		if (pending.row != null) {
			pending.row.putAll(columns);
		}
		else if (!pending.deleteFirst) {
			pending.set.putAll(columns);
		}
	}

	void delete(List<Object> rowKey) {
		Pending deleted = new Pending();
		deleted.deleteFirst = true;
		this.pending.put(rowKey, deleted);
	}

	/** Deletes every row whose leading key columns have these values. */
	void deleteGroup(List<Object> leading) {
		this.groupsDeleted.add(List.copyOf(leading));
		for (Map.Entry<List<Object>, Pending> entry : this.pending.entrySet()) {
			if (inGroup(entry.getKey(), leading)) {
				Pending deleted = new Pending();
				deleted.deleteFirst = true;
				entry.setValue(deleted);
			}
		}
	}

	/**
	 * The row with this key as the events so far left it: from here if an event of this
	 * poll inserted or deleted it, otherwise the stored row with the columns set here.
	 * @param stored reads the row as the table holds it, by key
	 */
	Optional<Map<String, Object>> current(List<Object> rowKey,
			Function<List<Object>, Optional<Map<String, Object>>> stored) {
		Pending pending = this.pending.get(rowKey);
		if (pending != null && pending.row != null) {
			return Optional.of(new LinkedHashMap<>(pending.row));
		}
		if ((pending != null && pending.deleteFirst)
				|| this.groupsDeleted.stream().anyMatch((leading) -> inGroup(rowKey, leading))) {
			return Optional.empty();
		}
		return stored.apply(rowKey).map((row) -> {
			Map<String, Object> changed = new LinkedHashMap<>(row);
			if (pending != null) {
				changed.putAll(pending.set);
			}
			return changed;
		});
	}

	/** Writes what the events did, and forgets it. */
	void flush(Statements statements) {
		Map<String, List<Object[]>> deletes = new LinkedHashMap<>();
		for (List<Object> leading : this.groupsDeleted) {
			deletes.computeIfAbsent(deleteSql(leading.size()), (sql) -> new ArrayList<>()).add(leading.toArray());
		}
		Map<String, List<Object[]>> inserts = new LinkedHashMap<>();
		Map<String, List<Object[]>> updates = new LinkedHashMap<>();
		this.pending.forEach((rowKey, pending) -> {
			if (pending.deleteFirst) {
				deletes.computeIfAbsent(deleteSql(this.key.size()), (sql) -> new ArrayList<>()).add(rowKey.toArray());
			}
			if (pending.row != null) {
				inserts.computeIfAbsent(insertSql(pending.row.keySet()), (sql) -> new ArrayList<>())
					.add(pending.row.values().toArray());
			}
			else if (!pending.set.isEmpty()) {
				List<Object> values = new ArrayList<>(pending.set.values());
				values.addAll(rowKey);
				updates.computeIfAbsent(updateSql(pending.set.keySet()), (sql) -> new ArrayList<>())
					.add(values.toArray());
			}
		});
		deletes.forEach(statements::run);
		inserts.forEach(statements::run);
		updates.forEach(statements::run);
		this.pending.clear();
		this.groupsDeleted.clear();
	}

	private boolean inGroup(List<Object> rowKey, List<Object> leading) {
		return rowKey.subList(0, leading.size()).equals(leading);
	}

	private String deleteSql(int keyColumns) {
		return "DELETE FROM " + this.table + " WHERE " + String.join(" = ? AND ", this.key.subList(0, keyColumns))
				+ " = ?";
	}

	private String insertSql(Iterable<String> columns) {
		List<String> names = new ArrayList<>();
		columns.forEach(names::add);
		return "INSERT INTO " + this.table + " (" + String.join(", ", names) + ") VALUES ("
				+ String.join(", ", names.stream().map((name) -> "?").toList()) + ")";
	}

	private String updateSql(Iterable<String> columns) {
		return "UPDATE " + this.table + " SET " + String.join(" = ?, ", columns) + " = ? WHERE "
				+ String.join(" = ? AND ", this.key) + " = ?";
	}

	/**
	 * A key's end: {@code row} if inserted; otherwise {@code set}, the columns an update
	 * sets; {@code deleteFirst} if the stored row goes first (deleted, or replaced).
	 */
	private static final class Pending {

		Map<String, Object> row;

		final Map<String, Object> set = new LinkedHashMap<>();

		boolean deleteFirst;

	}

}
