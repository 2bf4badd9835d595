package io.membership.query.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.OrganizationCreated;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.query.projection.ProjectedEvent;

/**
 * Waiting for {@code min_version}: a caller may wait for an organization the view has not
 * seen yet (it was created a moment ago), and any authenticated caller may name any
 * organization id, so a wait must not leave anything behind for an id that never appears.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PermissionViewWaitingTest {

	private final PermissionView view = new PermissionView(null, null);

	private final OrganizationId organization = OrganizationId.generate();

	private static ProjectedEvent created(OrganizationId organization) {
		UserId owner = UserId.of(1);
		return new ProjectedEvent(new OrganizationCreated(organization, "Acme", owner, "owner@acme.test",
				new InviteLinkId("lnk_1"), owner, Instant.now(), "correlation-1"), 1, "evt-1");
	}

	private CompletableFuture<Boolean> awaitInBackground(long version, Duration wait) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return this.view.awaitVersion(this.organization, version, wait);
			}
			catch (InterruptedException ex) {
				throw new CompletionException(ex);
			}
		});
	}

	@Test
	void waiting_for_an_organization_that_never_appears_keeps_nothing_of_it() throws Exception {
		boolean reached = this.view.awaitVersion(this.organization, 1, Duration.ofMillis(50));

		assertThat(reached).isFalse();
		assertThat(this.view.organizationCount()).isZero();
	}

	@Test
	void a_wait_for_an_organization_not_seen_yet_ends_when_its_first_event_arrives() throws Exception {
		CompletableFuture<Boolean> waiting = awaitInBackground(1, Duration.ofSeconds(20));
		Thread.sleep(100);

		this.view.accept(created(this.organization));

		assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void a_wait_for_a_later_version_of_a_new_organization_times_out_at_the_version_reached() throws Exception {
		CompletableFuture<Boolean> waiting = awaitInBackground(2, Duration.ofMillis(300));
		this.view.accept(created(this.organization));

		assertThat(waiting.get(10, TimeUnit.SECONDS)).isFalse();
		assertThat(this.view.version(this.organization)).isEqualTo(1);
	}

	@Test
	void version_zero_is_reached_at_once_even_for_an_unknown_organization() throws Exception {
		assertThat(this.view.awaitVersion(this.organization, 0, Duration.ofSeconds(20))).isTrue();
	}

}
