package io.membership.query.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.OrganizationCreated;
import io.membership.events.WorkspaceCreated;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.query.projection.ProjectedEvent;

/**
 * Waiting for {@code min_version} without a thread: a callback runs once, when the
 * organization's view reaches the version, on the thread that applied it; a wait that
 * ends otherwise is forgotten; and any authenticated caller may name any organization id,
 * so a wait must not leave anything behind for an id the view does not hold.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PermissionViewWaitingTest {

	private static final UserId OWNER = UserId.of(1);

	private final PermissionView view = new PermissionView(null, null);

	private final OrganizationId organization = OrganizationId.generate();

	private ProjectedEvent created() {
		return new ProjectedEvent(new OrganizationCreated(this.organization, "Acme", OWNER, "owner@acme.test",
				new InviteLinkId("lnk_1"), OWNER, Instant.now(), "correlation-1"), 1, "evt-1");
	}

	private ProjectedEvent workspace(long version) {
		return new ProjectedEvent(new WorkspaceCreated(this.organization, new WorkspaceId("ws_" + version), "Images",
				OWNER, Instant.now(), "correlation-" + version), version, "evt-" + version);
	}

	@Test
	void a_version_already_reached_calls_back_at_once_on_the_calling_thread() {
		this.view.accept(created());
		List<Thread> calledOn = new ArrayList<>();

		this.view.whenReached(this.organization, 1, () -> calledOn.add(Thread.currentThread()));

		assertThat(calledOn).containsExactly(Thread.currentThread());
		assertThat(this.view.waitingFor(this.organization)).isZero();
	}

	@Test
	void a_callback_runs_once_when_the_version_is_applied_and_not_before() {
		this.view.accept(created());
		AtomicInteger calls = new AtomicInteger();
		this.view.whenReached(this.organization, 3, calls::incrementAndGet);

		this.view.accept(workspace(2));
		assertThat(calls).hasValue(0);
		this.view.accept(workspace(3));
		this.view.accept(workspace(4));

		assertThat(calls).hasValue(1);
		assertThat(this.view.waitingFor(this.organization)).isZero();
	}

	@Test
	void setting_an_organization_aside_calls_back_its_waits_so_they_hear_view_stale_at_once() {
		this.view.accept(created());
		AtomicInteger waiting = new AtomicInteger();
		this.view.whenReached(this.organization, 5, waiting::incrementAndGet);

		this.view.setAside(this.organization);
		AtomicInteger later = new AtomicInteger();
		this.view.whenReached(this.organization, 6, later::incrementAndGet);

		assertThat(waiting).hasValue(1);
		assertThat(later).hasValue(1);
		assertThat(this.view.waitingFor(this.organization)).isZero();
		assertThatThrownBy(() -> this.view.member(this.organization, OWNER)).isInstanceOf(OrganizationViewStale.class);
	}

	@Test
	void a_forgotten_wait_is_never_called_back_and_leaves_the_others() {
		this.view.accept(created());
		AtomicInteger forgotten = new AtomicInteger();
		AtomicInteger kept = new AtomicInteger();
		Runnable same = forgotten::incrementAndGet;
		this.view.whenReached(this.organization, 2, same).run();
		this.view.whenReached(this.organization, 2, kept::incrementAndGet);
		Runnable twice = this.view.whenReached(this.organization, 2, same);
		assertThat(this.view.waitingFor(this.organization)).isEqualTo(2);

		twice.run();
		this.view.accept(workspace(2));

		assertThat(forgotten).hasValue(0);
		assertThat(kept).hasValue(1);
		assertThat(this.view.waitingFor(this.organization)).isZero();
	}

	@Test
	void waiting_for_an_organization_the_view_does_not_hold_keeps_nothing_of_it() {
		AtomicInteger calls = new AtomicInteger();

		this.view.whenReached(this.organization, 1, calls::incrementAndGet).run();

		assertThat(this.view.organizationCount()).isZero();
		assertThat(calls).hasValue(0);
	}

	@Test
	void a_failing_callback_does_not_stop_the_view_or_the_other_callbacks() {
		this.view.accept(created());
		AtomicInteger calls = new AtomicInteger();
		this.view.whenReached(this.organization, 2, () -> {
			throw new IllegalStateException("the request is gone");
		});
		this.view.whenReached(this.organization, 2, calls::incrementAndGet);

		this.view.accept(workspace(2));
		this.view.accept(workspace(3));

		assertThat(calls).hasValue(1);
		assertThat(this.view.version(this.organization)).isEqualTo(3);
	}

}
