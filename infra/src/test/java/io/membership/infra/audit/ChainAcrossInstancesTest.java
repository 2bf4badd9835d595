package io.membership.infra.audit;

import static io.membership.infra.audit.AuditTrail.auditService;
import static io.membership.infra.audit.AuditTrail.download;
import static io.membership.infra.audit.AuditTrail.verify;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.events.WorkspaceCreated;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.infra.audit.AuditTrail.Verdict;
import io.membership.infra.support.AnotherInstance;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * The chain writer remembers the last hash it linked for each organization instead of
 * reading it back for every event. What it remembers must never be a hash that did not
 * commit, nor one another instance has superseded: an append rolled back here and a race
 * for a version lost to another instance (with a chain writer of its own) still leave a
 * chain the auditor's verifier accepts.
 */
@PostgresServiceTest
class ChainAcrossInstancesTest {

	@LocalServerPort
	int port;

	@Autowired
	EventStorageEngine eventStore;

	@Autowired
	PlatformTransactionManager transactions;

	@Autowired
	TransactionManager axonTransactions;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	Serializer serializer;

	@Autowired
	@Qualifier("eventSerializer")
	Serializer eventSerializer;

	@TempDir
	Path directory;

	@Test
	void a_rolled_back_append_and_a_race_lost_to_another_instance_leave_a_chain_that_verifies() {
		TestOrganization org = TestOrganization.create(this.port);
		org.join("AN");
		org.createWorkspace("Before the race");
		long version = org.version();

		// This instance links the next version, and its transaction rolls back.
		new TransactionTemplate(this.transactions).executeWithoutResult((transaction) -> {
			this.eventStore.appendEvents(List.of(workspaceCreated(org, version + 1, "Rolled back")));
			transaction.setRollbackOnly();
		});
		// Another instance takes that version with an event of its own.
		anotherInstance().appendEvents(List.of(workspaceCreated(org, version + 1, "Taken by another instance")));

		// Here the organization is still cached at the old version: the command loses the
		// race for the taken version and is decided again after the other instance's
		// event.
		Answer raced = org.owner().post(org.path() + "/workspaces", "{\"title\":\"After the race\"}");
		assertThat(raced.status()).as(raced.toString()).isEqualTo(201);
		assertThat(raced.json().get("version").asLong()).isEqualTo(version + 2);
		Answer next = org.owner().post(org.path() + "/workspaces", "{\"title\":\"After that\"}");
		assertThat(next.json().get("version").asLong()).as(next.toString()).isEqualTo(version + 3);

		Verdict verdict = verify(download(auditService(this.port), org.id(), this.directory));
		assertThat(verdict.status()).as(verdict.toString()).isZero();
		assertThat(verdict.out())
			.contains("OK: " + (version + 3) + " events of 1 organization(s), every hash verified");
		assertThat(this.jdbc.sql("SELECT prev_hash FROM event_hash_chain WHERE organization_id = ? AND version = ?")
			.params(org.id(), version + 2)
			.query(String.class)
			.single())
			.isEqualTo(this.jdbc.sql("SELECT hash FROM event_hash_chain WHERE organization_id = ? AND version = ?")
				.params(org.id(), version + 1)
				.query(String.class)
				.single());
	}

	/**
	 * The writer links a command to the hash its predecessor committed with, remembered,
	 * not to what the table says by then: a chain row rewritten in the database behind
	 * the service's back does not reach the next link, and the verifier names the row.
	 */
	@Test
	void the_next_link_is_the_hash_the_previous_command_committed_not_one_rewritten_since() {
		TestOrganization org = TestOrganization.create(this.port);
		org.createWorkspace("Committed");
		long version = org.version();
		String committed = hashAt(org, version);
		this.jdbc.sql("UPDATE event_hash_chain SET hash = ? WHERE organization_id = ? AND version = ?")
			.params("f".repeat(64), org.id(), version)
			.update();

		org.createWorkspace("Linked to the committed hash");

		assertThat(this.jdbc.sql("SELECT prev_hash FROM event_hash_chain WHERE organization_id = ? AND version = ?")
			.params(org.id(), version + 1)
			.query(String.class)
			.single()).isEqualTo(committed);
		Verdict verdict = verify(download(auditService(this.port), org.id(), this.directory));
		assertThat(verdict.status()).as(verdict.toString()).isNotZero();
		assertThat(verdict.out() + verdict.err()).contains("version " + version);
	}

	private String hashAt(TestOrganization org, long version) {
		return this.jdbc.sql("SELECT hash FROM event_hash_chain WHERE organization_id = ? AND version = ?")
			.params(org.id(), version)
			.query(String.class)
			.single();
	}

	/** The event at {@code version}, as the aggregate would have applied it. */
	private static GenericDomainEventMessage<WorkspaceCreated> workspaceCreated(TestOrganization org, long version,
			String title) {
		WorkspaceCreated created = new WorkspaceCreated(new OrganizationId(org.id()), WorkspaceId.generate(), title,
				UserId.of(org.ownerId()), Instant.now(), "chain-across-instances");
		return new GenericDomainEventMessage<>("Organization", org.id(), version - 1, created);
	}

	/**
	 * The event store of a second instance on the same database: its own engine and its
	 * own chain writer, with nothing remembered.
	 */
	private EventStorageEngine anotherInstance() {
		return AnotherInstance.eventStore(this.dataSource, this.serializer, this.eventSerializer,
				this.axonTransactions);
	}

}
