package io.membership.query.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.MembershipEvent;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.read.Timelines;
import io.membership.query.rebuild.ScratchDatabase;
import io.membership.query.support.OrganizationHistory;

/**
 * The view follows the events as the projection writes them: after every event type, the
 * members, workspaces and projects it followed into are the ones a view loaded from the
 * tables at start-up would hold.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PermissionViewFollowingTest {

	private final ScratchDatabase database = new ScratchDatabase();

	private final JdbcClient jdbc = JdbcClient.create(this.database.dataSource());

	private final OrganizationHistory acme = OrganizationHistory.everyEventType("Acme");

	@AfterEach
	void closeTheDatabase() {
		this.database.close();
	}

	private PermissionView view() {
		return new PermissionView(this.jdbc, new Timelines(this.jdbc));
	}

	@Test
	void the_view_followed_event_by_event_is_the_one_loaded_from_the_tables_they_were_projected_into() {
		assertThat(LongStream.rangeClosed(1, this.acme.version()).mapToObj((v) -> this.acme.event(v).typeName()))
			.as("the history has every event type")
			.containsAll(
					Arrays.stream(MembershipEvent.class.getPermittedSubclasses()).map(Class::getSimpleName).toList());
		MembershipProjection projection = new MembershipProjection(this.jdbc);
		PermissionView followed = view();
		followed.loadAll();
		for (long version = 1; version <= this.acme.version(); version++) {
			ProjectedEvent event = this.acme.projected(version);
			projection.apply(event);
			followed.accept(event);
		}

		PermissionView loaded = view();
		loaded.loadAll();
		assertThat(followed.version(this.acme.id())).isEqualTo(this.acme.version());
		assertThat(followed.members(this.acme.id())).isEqualTo(loaded.members(this.acme.id()));
		assertThat(followed.projects(this.acme.id())).isEqualTo(loaded.projects(this.acme.id()))
			.containsOnlyKeys(new ProjectId("17"));
		for (String workspace : List.of("ws_images", "ws_audio", "ws_none")) {
			WorkspaceId id = new WorkspaceId(workspace);
			assertThat(followed.hasWorkspace(this.acme.id(), id)).as(workspace)
				.isEqualTo(loaded.hasWorkspace(this.acme.id(), id))
				.isEqualTo(!workspace.equals("ws_none"));
		}
	}

}
