package io.membership.infra.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.events.MemberJoined;
import io.membership.events.MemberRoleChanged;
import io.membership.events.OrganizationCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.infra.support.TestDatabase;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.MembershipProjection.Outcome;
import io.membership.query.projection.ProjectedEvent;

/**
 * Two consumers sharing PostgreSQL (two instances, each with its own position) apply the
 * same poll: the projection decides a poll in memory, yet the second waits for the first
 * to commit and then finds every event of it applied, so none is applied twice.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConcurrentPollsTest {

	private static final UserId OWNER = UserId.of(1);

	private static final UserId ANN = UserId.of(2);

	private final OrganizationId organization = OrganizationId.generate();

	private final Instant start = Instant.parse("2026-11-26T10:00:00Z");

	@Test
	void a_poll_applied_by_two_consumers_at_once_is_applied_by_one_and_is_duplicates_for_the_other() throws Exception {
		String schema = TestDatabase.get().migratedSchema("polls");
		try {
			applyTwiceAtOnce(schema);
		}
		finally {
			JdbcClient
				.create(new DriverManagerDataSource(TestDatabase.get().jdbcUrl(), TestDatabase.get().username(),
						TestDatabase.get().password()))
				.sql("DROP SCHEMA " + schema + " CASCADE")
				.update();
		}
	}

	private void applyTwiceAtOnce(String schema) throws Exception {
		Consumer first = new Consumer(schema);
		Consumer second = new Consumer(schema);
		first.inTransaction(() -> first.projection.applyAll(List.of(
				event(1, new OrganizationCreated(this.organization, "Acme", OWNER, "owner@acme.test",
						new InviteLinkId("lnk_1"), OWNER, at(1), "correlation-1")),
				event(2, new MemberJoined(this.organization, ANN, "ann@acme.test", Role.ANNOTATOR, null, Set.of(), ANN,
						at(2), "correlation-2")))));
		List<ProjectedEvent> poll = List.of(
				event(3, new MemberRoleChanged(this.organization, ANN, Role.ANNOTATOR, Role.REVIEWER, "trained", OWNER,
						at(3), "correlation-3")),
				event(4, new MemberRoleChanged(this.organization, ANN, Role.REVIEWER, Role.MANAGER, "promoted", OWNER,
						at(4), "correlation-4")));
		CountDownLatch firstApplied = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<List<Outcome>> byFirst = threads.submit(() -> first.inTransaction(() -> {
				List<Outcome> outcomes = first.projection.applyAll(poll);
				firstApplied.countDown();
				await(commit);
				return outcomes;
			}));
			assertThat(firstApplied.await(30, TimeUnit.SECONDS)).isTrue();
			Future<List<Outcome>> bySecond = threads
				.submit(() -> second.inTransaction(() -> second.projection.applyAll(poll)));

			assertThatExceptionOfType(TimeoutException.class).as("the second consumer waits for the first")
				.isThrownBy(() -> bySecond.get(1, TimeUnit.SECONDS));
			commit.countDown();

			assertThat(byFirst.get(30, TimeUnit.SECONDS)).containsExactly(Outcome.APPLIED, Outcome.APPLIED);
			assertThat(bySecond.get(30, TimeUnit.SECONDS)).containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE);
		}
		finally {
			commit.countDown();
			threads.shutdownNow();
		}
		assertThat(first.count("SELECT version FROM qs_organizations WHERE organization_id = ?")).isEqualTo(4);
		assertThat(first.count("SELECT COUNT(*) FROM qs_role_history WHERE organization_id = ?")).isEqualTo(4);
		assertThat(first.count("SELECT COUNT(*) FROM qs_member_timeline WHERE organization_id = ?")).isEqualTo(4);
		assertThat(first.count("SELECT COUNT(*) FROM qs_activity_log WHERE organization_id = ?")).isEqualTo(4);
	}

	private Instant at(long version) {
		return this.start.plusSeconds(60 * version);
	}

	private static ProjectedEvent event(long version, io.membership.events.MembershipEvent event) {
		return new ProjectedEvent(event, version, "evt-" + event.organizationId().value() + "-" + version);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A consumer of its own: its own connections and transactions on the schema. */
	private final class Consumer {

		final MembershipProjection projection;

		private final JdbcClient jdbc;

		private final TransactionTemplate transactions;

		Consumer(String schema) {
			TestDatabase database = TestDatabase.get();
			DataSource dataSource = new DriverManagerDataSource(database.jdbcUrl(schema), database.username(),
					database.password());
			this.jdbc = JdbcClient.create(dataSource);
			this.projection = new MembershipProjection(this.jdbc, new JdbcTemplate(dataSource));
			this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		}

		<T> T inTransaction(java.util.function.Supplier<T> work) {
			return this.transactions.execute((status) -> work.get());
		}

		long count(String sql) {
			return this.jdbc.sql(sql).param(ConcurrentPollsTest.this.organization.value()).query(Long.class).single();
		}

	}

}
