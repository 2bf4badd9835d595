package io.membership.query.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.access.Action;
import io.membership.events.access.Role;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.query.read.Timelines;
import io.membership.query.rebuild.ScratchDatabase;
import io.membership.query.support.OrganizationHistory;

/**
 * Checks read the view while the projection applies events to it, without a lock they all
 * take: every answer is still decided from one state, the one of the version it reports.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PermissionViewReadingTest {

	private static final UserId ANNOTATOR = UserId.of(2);

	private static final ProjectId PROJECT = new ProjectId("17");

	/**
	 * Versions 1 to 5 leave user 2 a Reviewer in project 17; each toggle after flips it.
	 */
	private static final int TOGGLES = 20_000;

	private final ScratchDatabase database = new ScratchDatabase();

	@AfterEach
	void closeTheDatabase() {
		this.database.close();
	}

	@Test
	void every_answer_read_while_events_are_applied_is_the_decision_of_the_version_it_reports() throws Exception {
		OrganizationHistory history = OrganizationHistory.annotatorInAProject("Acme");
		long firstToggle = history.version() + 1;
		for (int toggle = 0; toggle < TOGGLES; toggle++) {
			boolean reviewer = toggle % 2 == 0;
			history.projectRoleChanged("17", 2, reviewer ? Role.REVIEWER : Role.ANNOTATOR,
					reviewer ? Role.ANNOTATOR : Role.REVIEWER);
		}
		JdbcClient jdbc = JdbcClient.create(this.database.dataSource());
		PermissionView view = new PermissionView(jdbc, new Timelines(jdbc));
		view.loadAll();
		for (long version = 1; version < firstToggle; version++) {
			view.accept(history.projected(version));
		}

		AtomicBoolean applying = new AtomicBoolean(true);
		ExecutorService threads = Executors.newFixedThreadPool(3);
		try {
			List<Future<List<String>>> readers = new ArrayList<>();
			readers.add(threads.submit(() -> {
				List<String> wrong = new ArrayList<>();
				while (applying.get()) {
					PermissionView.Answer answer = view
						.decide(history.id(), ANNOTATOR, Action.ACCESS_REVIEW_WORKFLOW, null, PROJECT)
						.orElseThrow();
					Role expected = roleAt(answer.version(), firstToggle);
					if (answer.decision().role() != expected
							|| answer.decision().allowed() != (expected == Role.REVIEWER)) {
						wrong.add("version " + answer.version() + ": " + answer.decision());
					}
				}
				return wrong;
			}));
			readers.add(threads.submit(() -> {
				List<String> wrong = new ArrayList<>();
				// A page's worth of checks: a long read, for the events to overlap it.
				List<PermissionView.Question> questions = new ArrayList<>();
				for (int question = 0; question < 100; question++) {
					questions.add(new PermissionView.Question(ANNOTATOR,
							(question % 2 == 0) ? Action.ACCESS_REVIEW_WORKFLOW : Action.ACCESS_LABELING_WORKFLOW, null,
							PROJECT));
				}
				while (applying.get()) {
					PermissionView.Answers answers = view.decideAll(history.id(), questions).orElseThrow();
					Role expected = roleAt(answers.version(), firstToggle);
					for (var decision : answers.decisions()) {
						if (decision.role() != expected) {
							wrong.add("batch at version " + answers.version() + ": " + decision);
						}
					}
				}
				return wrong;
			}));
			Future<?> writer = threads.submit(() -> {
				try {
					for (long version = firstToggle; version <= history.version(); version++) {
						view.accept(history.projected(version));
					}
				}
				finally {
					applying.set(false);
				}
			});
			writer.get(2, TimeUnit.MINUTES);
			for (Future<List<String>> reader : readers) {
				assertThat(reader.get(1, TimeUnit.MINUTES)).as("answers whose decision is not their version's")
					.isEmpty();
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(view.version(history.id())).isEqualTo(history.version());
	}

	/** User 2's role in project 17 at the version: Reviewer, flipped by each toggle. */
	private static Role roleAt(long version, long firstToggle) {
		long toggles = Math.max(0, version - firstToggle + 1);
		return (toggles % 2 == 0) ? Role.REVIEWER : Role.ANNOTATOR;
	}

}
