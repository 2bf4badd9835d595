package io.membership.audit.personal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.AddressKeptApart;
import io.membership.events.ids.UserId;

/**
 * The e-mail addresses the events refer to by key ({@code user:<id>},
 * {@code invitation:<id>}), kept apart from them (the Forgettable Payloads pattern): the
 * one place that writes the {@code personal_data} tables. The event store records an
 * event's address here in the transaction that stores the event, and reads it back when
 * the event is loaded; an erasure nulls it in the transaction that stores the
 * organization's PersonalDataErased. The events, their hash chain and the signed
 * checkpoints never hold an address, so forgetting one changes none of them.
 *
 * <p>
 * An erased user key stays erased: an address the identity provider vouches for later
 * (the same user joining another organization) is not recorded, so that a join racing the
 * erasure cannot bring the address back.
 */
public class PersonalData {

	private final JdbcClient jdbc;

	private final boolean postgres;

	public PersonalData(DataSource dataSource) {
		this.jdbc = JdbcClient.create(dataSource);
		this.postgres = new JdbcTemplate(dataSource).execute((ConnectionCallback<Boolean>) PersonalData::isPostgres);
	}

	private static boolean isPostgres(Connection connection) throws SQLException {
		return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
	}

	/**
	 * Records the event's address under its key, and that the organization refers to it;
	 * in the caller's transaction. The latest address of a user key wins, unless the key
	 * was erased.
	 */
	public void record(String organizationId, AddressKeptApart event) {
		String key = event.personalDataKey();
		if (event.email() != null) {
			if (this.postgres) {
				this.jdbc
					.sql("INSERT INTO personal_data (data_key, email) VALUES (?, ?) ON CONFLICT (data_key) "
							+ "DO UPDATE SET email = EXCLUDED.email WHERE personal_data.erased_at IS NULL")
					.params(key, event.email())
					.update();
			}
			else {
				this.jdbc
					.sql("MERGE INTO personal_data p USING (VALUES (CAST(? AS VARCHAR(80)), CAST(? AS VARCHAR(320)))) "
							+ "AS s(data_key, email) ON p.data_key = s.data_key "
							+ "WHEN MATCHED AND p.erased_at IS NULL THEN UPDATE SET email = s.email "
							+ "WHEN NOT MATCHED THEN INSERT (data_key, email) VALUES (s.data_key, s.email)")
					.params(key, event.email())
					.update();
			}
		}
		appearsIn(key, organizationId);
	}

	private void appearsIn(String key, String organizationId) {
		if (this.postgres) {
			this.jdbc
				.sql("INSERT INTO personal_data_organizations (data_key, organization_id) VALUES (?, ?) "
						+ "ON CONFLICT DO NOTHING")
				.params(key, organizationId)
				.update();
		}
		else {
			this.jdbc
				.sql("MERGE INTO personal_data_organizations (data_key, organization_id) KEY (data_key, "
						+ "organization_id) VALUES (?, ?)")
				.params(key, organizationId)
				.update();
		}
	}

	/** The address under the key, or empty when there is none or it was erased. */
	public Optional<String> email(String key) {
		return this.jdbc.sql("SELECT email FROM personal_data WHERE data_key = ?")
			.param(key)
			.query(String.class)
			.optional();
	}

	/** Whether the key was erased. */
	public boolean erased(String key) {
		return this.jdbc.sql("SELECT COUNT(*) FROM personal_data WHERE data_key = ? AND erased_at IS NOT NULL")
			.param(key)
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * Forgets the addresses of the keys, and remembers that the organization recorded the
	 * user's erasure; in the caller's transaction (the one storing its
	 * PersonalDataErased). A user key with no address yet is recorded as erased all the
	 * same, so no later event brings one.
	 */
	public void erase(String organizationId, UserId user, Collection<String> keys, Instant at) {
		OffsetDateTime erasedAt = at.atOffset(ZoneOffset.UTC);
		for (String key : keys) {
			int updated = this.jdbc
				.sql("UPDATE personal_data SET email = NULL, erased_at = COALESCE(erased_at, ?) WHERE data_key = ?")
				.params(erasedAt, key)
				.update();
			if (updated == 0) {
				this.jdbc.sql("INSERT INTO personal_data (data_key, email, erased_at) VALUES (?, NULL, ?)")
					.params(key, erasedAt)
					.update();
			}
			appearsIn(key, organizationId);
		}
		if (this.postgres) {
			this.jdbc
				.sql("INSERT INTO personal_data_erasures (user_id, organization_id, erased_at) VALUES (?, ?, ?) "
						+ "ON CONFLICT DO NOTHING")
				.params(user.value(), organizationId, erasedAt)
				.update();
		}
		else {
			this.jdbc
				.sql("MERGE INTO personal_data_erasures (user_id, organization_id, erased_at) KEY (user_id, "
						+ "organization_id) VALUES (?, ?, ?)")
				.params(user.value(), organizationId, erasedAt)
				.update();
		}
	}

	/**
	 * What is left of a person to erase: the organizations that refer to their user key
	 * and have not recorded their erasure, and those with an invitation (not yet erased)
	 * to one of their addresses, matched without regard to case.
	 */
	public Set<String> organizationsToErase(UserId user, Set<String> addresses) {
		Set<String> organizations = new TreeSet<>(this.jdbc
			.sql("SELECT o.organization_id FROM personal_data_organizations o WHERE o.data_key = ? AND NOT EXISTS "
					+ "(SELECT 1 FROM personal_data_erasures e WHERE e.user_id = ? "
					+ "AND e.organization_id = o.organization_id)")
			.params(AddressKeptApart.userKey(user), user.value())
			.query(String.class)
			.list());
		if (!addresses.isEmpty()) {
			List<Object> lowerCase = addresses.stream()
				.map((address) -> (Object) address.toLowerCase(Locale.ROOT))
				.toList();
			organizations.addAll(this.jdbc
				.sql("SELECT DISTINCT o.organization_id FROM personal_data p JOIN personal_data_organizations o "
						+ "ON o.data_key = p.data_key WHERE p.data_key LIKE 'invitation:%' AND p.email IS NOT NULL "
						+ "AND LOWER(p.email) IN (" + String.join(", ", lowerCase.stream().map((any) -> "?").toList())
						+ ")")
				.params(lowerCase)
				.query(String.class)
				.list());
		}
		return organizations;
	}

	/** Whether the service has ever known the user: an event referred to them. */
	public boolean knows(UserId user) {
		return this.jdbc.sql("SELECT COUNT(*) FROM personal_data_organizations WHERE data_key = ?")
			.param(AddressKeptApart.userKey(user))
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * Every key, with its address (null once erased) and, for an invitation key, the
	 * organization that sent it: for a command that writes the personal data topic anew.
	 */
	public static void forEachStored(JdbcClient jdbc, Consumer<Stored> action) {
		try (Stream<Stored> stored = jdbc
			.sql("SELECT p.data_key, p.email, (SELECT MIN(o.organization_id) FROM personal_data_organizations o "
					+ "WHERE o.data_key = p.data_key) FROM personal_data p ORDER BY p.data_key")
			.query((row, number) -> new Stored(row.getString(1), row.getString(2), row.getString(3)))
			.stream()) {
			stored.forEach(action);
		}
	}

	/** A key as stored: its address, null once erased. */
	public record Stored(String key, String email, String organizationId) {
	}

	/** The organizations that recorded the user's erasure, and when the first did. */
	public Optional<Erasure> erasure(UserId user) {
		List<Object[]> rows = this.jdbc
			.sql("SELECT organization_id, erased_at FROM personal_data_erasures WHERE user_id = ? "
					+ "ORDER BY organization_id")
			.param(user.value())
			.query((row, number) -> new Object[] { row.getString(1), row.getObject(2, OffsetDateTime.class) })
			.list();
		if (rows.isEmpty()) {
			return Optional.empty();
		}
		Set<String> organizations = new TreeSet<>();
		Instant first = null;
		for (Object[] row : rows) {
			organizations.add((String) row[0]);
			Instant at = ((OffsetDateTime) row[1]).toInstant();
			first = (first == null || at.isBefore(first)) ? at : first;
		}
		return Optional.of(new Erasure(user, organizations, first));
	}

	/** What an erasure answered: the organizations that recorded it, and when. */
	public record Erasure(UserId userId, Set<String> organizations, Instant erasedAt) {
	}

}
