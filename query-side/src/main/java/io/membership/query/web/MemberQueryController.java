package io.membership.query.web;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.membership.events.access.Action;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.query.read.MemberReads;
import io.membership.query.read.MemberReads.MemberFilter;
import io.membership.query.read.ActivityLogReads.PersonalData;
import io.membership.query.read.MemberReads.MemberRecord;
import io.membership.query.read.MemberReads.RoleChange;
import io.membership.query.read.ReadSnapshot;
import io.membership.query.read.WorkspaceReads;
import io.membership.query.read.Timelines;
import io.membership.web.Problems;

/**
 * The members of an organization: Label Studio's paged list, one member now or as they
 * stood at an instant, and a member's role history. Each answer is read from one snapshot
 * of the projection tables and carries the version of that snapshot.
 *
 * <p>
 * The list and one member are read by the roles that grant {@code view_organization_page}
 * (the page lists the members); a role history, a part of the activity log, by those that
 * grant {@code view_activity_log}; a member's own by the member.
 */
@RestController
@RequestMapping(path = "/api/organizations/{organizationId}/memberships", produces = MediaType.APPLICATION_JSON_VALUE)
class MemberQueryController {

	private final ReadSnapshot snapshot;

	private final MemberReads members;

	private final WorkspaceReads workspaces;

	private final Timelines timelines;

	MemberQueryController(ReadSnapshot snapshot, MemberReads members, WorkspaceReads workspaces, Timelines timelines) {
		this.snapshot = snapshot;
		this.members = members;
		this.workspaces = workspaces;
		this.timelines = timelines;
	}

	@GetMapping
	ResponseEntity<MemberPage> list(@PathVariable String organizationId, @RequestParam(required = false) String role,
			@RequestParam(required = false) String search, @RequestParam(required = false) String workspace,
			@RequestParam(required = false) String page,
			@RequestParam(name = "page_size", required = false) String pageSize, QueryContext context,
			HttpServletRequest request) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberAllowedTo(organization, Action.VIEW_ORGANIZATION_PAGE);
		MemberFilter filter = new MemberFilter(QueryParameters.roles(role), QueryParameters.search(search),
				QueryParameters.workspace(workspace));
		PageRequest paged = PageRequest.of(page, pageSize);
		MemberPage answer = this.snapshot.read(() -> {
			WorkspaceId filtered = filter.workspace();
			if (filtered != null && this.workspaces.one(organization, filtered).isEmpty()) {
				throw Problems.workspaceNotFound(filtered);
			}
			long version = this.timelines.versionOf(organization);
			long count = this.members.count(organization, filter);
			List<MemberRecord> results = this.members.page(organization, filter, paged.offset(), paged.size());
			String next = paged.next(request, count);
			String previous = paged.previous(request, count);
			return new MemberPage(count, next, previous, results, version);
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	@GetMapping("/{userId}")
	ResponseEntity<MemberAnswer> member(@PathVariable String organizationId, @PathVariable String userId,
			@RequestParam(name = "as_of", required = false) String asOf, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberAllowedToReadAbout(organization, QueryParameters.user(userId), Action.VIEW_ORGANIZATION_PAGE);
		UserId subject = QueryParameters.user(userId);
		Instant instant = QueryParameters.instant("as_of", asOf);
		MemberAnswer answer = this.snapshot.read(() -> {
			if (instant == null) {
				long version = this.timelines.versionOf(organization);
				return MemberAnswer.of(
						this.members.current(organization, subject).orElseThrow(() -> Problems.memberNotFound(subject)),
						version);
			}
			long version = this.timelines.versionAt(organization, instant);
			return MemberAnswer.of(this.members.asOf(organization, subject, instant)
				.orElseThrow(() -> Problems.memberNotFound(subject)), version);
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	@GetMapping("/{userId}/role-history")
	ResponseEntity<RoleHistoryAnswer> roleHistory(@PathVariable String organizationId, @PathVariable String userId,
			QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberAllowedToReadAbout(organization, QueryParameters.user(userId), Action.VIEW_ACTIVITY_LOG);
		UserId subject = QueryParameters.user(userId);
		// A member removed since keeps their history (the membership ended, the history
		// stays); only a user who never was a member has none.
		RoleHistoryAnswer answer = this.snapshot.read(() -> {
			List<RoleChange> history = this.members.roleHistory(organization, subject);
			if (history.isEmpty()) {
				throw Problems.memberNotFound(subject);
			}
			PersonalData address = this.members.addressOf(subject);
			return new RoleHistoryAnswer(subject.value(), address.email(), address.erased(),
					this.timelines.versionOf(organization), history);
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	/** Label Studio's paged list, and the version it reflects. */
	record MemberPage(long count, String next, String previous, List<MemberRecord> results, long version) {
	}

	record MemberAnswer(long userId, String email, boolean erased, Role role, Set<WorkspaceId> workspaces,
			Instant invitedAt, Long invitedBy, Instant joinedAt, Instant activatedAt, Instant roleChangedAt,
			long version) {

		static MemberAnswer of(MemberRecord member, long version) {
			return new MemberAnswer(member.userId(), member.email(), member.erased(), member.role(),
					member.workspaces(), member.invitedAt(), member.invitedBy(), member.joinedAt(),
					member.activatedAt(), member.roleChangedAt(), version);
		}

	}

	/** The person's address beside their history: null once erased ({@code erased}). */
	record RoleHistoryAnswer(long userId, String email, boolean erased, long version, List<RoleChange> history) {
	}

}
