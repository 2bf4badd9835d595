package io.membership.query.web;

import java.time.Instant;
import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.membership.events.access.Action;
import io.membership.events.ids.OrganizationId;
import io.membership.query.read.ActivityLogReads;
import io.membership.query.read.ActivityLogReads.ActivityEntry;
import io.membership.query.read.ActivityLogReads.ActivityFilter;
import io.membership.query.read.ReadSnapshot;
import io.membership.query.read.Timelines;
import io.membership.web.PageCursors;

/**
 * The activity log: one entry per event, newest first, paged by an opaque cursor that
 * encodes the version of the last entry returned, so a page never shifts when new events
 * arrive between requests. Read by the roles that grant {@code view_activity_log}.
 */
@RestController
@RequestMapping(path = "/api/organizations/{organizationId}/activity-log", produces = MediaType.APPLICATION_JSON_VALUE)
class ActivityLogQueryController {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 200;

	private static final PageCursors CURSORS = new PageCursors("before:");

	private final ReadSnapshot snapshot;

	private final ActivityLogReads log;

	private final Timelines timelines;

	ActivityLogQueryController(ReadSnapshot snapshot, ActivityLogReads log, Timelines timelines) {
		this.snapshot = snapshot;
		this.log = log;
		this.timelines = timelines;
	}

	@GetMapping
	ResponseEntity<ActivityLogAnswer> entries(@PathVariable String organizationId,
			@RequestParam(required = false) String actor, @RequestParam(required = false) String subject,
			@RequestParam(required = false) String type, @RequestParam(required = false) String since,
			@RequestParam(required = false) String until, @RequestParam(required = false) String cursor,
			@RequestParam(required = false) String limit, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberAllowedTo(organization, Action.VIEW_ACTIVITY_LOG);
		Instant from = QueryParameters.instant("since", since);
		Instant to = QueryParameters.instant("until", until);
		if (from != null && to != null && from.isAfter(to)) {
			throw QueryProblems.invalid("invalid_time_range", "since must not be after until.");
		}
		ActivityFilter filter = new ActivityFilter(CURSORS.decode(cursor), QueryParameters.optionalUser("actor", actor),
				QueryParameters.optionalUser("subject", subject), QueryParameters.eventTypes(type), from, to);
		int size = QueryParameters.integer("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
		ActivityLogAnswer answer = this.snapshot.read(() -> {
			long version = this.timelines.versionOf(organization);
			List<ActivityEntry> entries = this.log.entries(organization, filter, size + 1);
			if (entries.size() <= size) {
				return new ActivityLogAnswer(entries, null, version);
			}
			List<ActivityEntry> page = entries.subList(0, size);
			return new ActivityLogAnswer(List.copyOf(page), CURSORS.encode(page.get(size - 1).version()), version);
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	record ActivityLogAnswer(List<ActivityEntry> entries, String nextCursor, long version) {
	}

}
