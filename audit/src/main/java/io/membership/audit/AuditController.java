package io.membership.audit;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.query.view.PermissionView;
import io.membership.web.Caller;
import io.membership.web.Problems;

/**
 * The audit API of API.md: the NDJSON exports (one organization's, for its Administrators
 * and Owner or a {@code membership:audit} service; everyone's, for the service only), the
 * signed checkpoints and the key that verifies them.
 */
@RestController
@RequestMapping("/api")
class AuditController {

	static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

	private final AuditExport export;

	private final AuditCheckpoints checkpoints;

	private final AuditSigner signer;

	private final PermissionView members;

	AuditController(AuditExport export, AuditCheckpoints checkpoints, AuditSigner signer, PermissionView members) {
		this.export = export;
		this.checkpoints = checkpoints;
		this.signer = signer;
		this.members = members;
	}

	@GetMapping("/organizations/{organizationId}/audit/events")
	ResponseEntity<StreamingResponseBody> organizationEvents(@PathVariable String organizationId,
			@RequestParam(name = "after_version", defaultValue = "0") long afterVersion) {
		requireAuditor(organizationId, Caller.current());
		return ResponseEntity.ok()
			.contentType(NDJSON)
			.body((out) -> this.export.organization(organizationId, Math.max(0, afterVersion), out));
	}

	@GetMapping("/audit/events")
	ResponseEntity<StreamingResponseBody> allEvents(@RequestParam(name = "after", defaultValue = "0") long after) {
		if (!Caller.current().hasScope(Caller.AUDIT_SCOPE)) {
			throw problem(HttpStatus.FORBIDDEN, "audit_scope_required",
					"The system-wide audit stream needs the membership:audit scope.");
		}
		return ResponseEntity.ok().contentType(NDJSON).body((out) -> this.export.all(Math.max(0, after), out));
	}

	@GetMapping(path = "/organizations/{organizationId}/audit/checkpoints", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> checkpoints(@PathVariable String organizationId) {
		requireAuditor(organizationId, Caller.current());
		List<AuditCheckpoints.Checkpoint> all = this.checkpoints.of(organizationId);
		return Map.of("checkpoints", all);
	}

	/**
	 * Taking a checkpoint writes (a signature, a Kafka record), so it is for the
	 * organization's Administrators and Owner only: the {@code membership:audit} scope
	 * reads, whoever its token's {@code sub} is.
	 */
	@PostMapping(path = "/organizations/{organizationId}/audit/checkpoints",
			produces = MediaType.APPLICATION_JSON_VALUE)
	AuditCheckpoints.Checkpoint takeCheckpoint(@PathVariable String organizationId) {
		Caller caller = Caller.current();
		if (caller.hasScope(Caller.AUDIT_SCOPE)) {
			throw problem(HttpStatus.FORBIDDEN, "audit_scope_read_only",
					"The membership:audit scope is read-only: it may not take checkpoints. The organization's "
							+ "Administrators and Owner may, with a token of their own.");
		}
		requireAuditor(organizationId, caller);
		return this.checkpoints.checkpoint(organizationId).orElseThrow(Problems::organizationNotFound);
	}

	@GetMapping(path = "/audit/public-key", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, String> publicKey() {
		return Map.of("key_id", this.signer.keyId(), "algorithm", AuditSigner.ALGORITHM, "public_key_pem",
				this.signer.publicKeyPem());
	}

	/**
	 * A service with the audit scope, or a member whose role grants
	 * {@code view_activity_log} (Administrators and the Owner): the audit trail is the
	 * activity log with its evidence.
	 */
	private void requireAuditor(String organizationId, Caller caller) {
		if (caller.hasScope(Caller.AUDIT_SCOPE)) {
			return;
		}
		OrganizationId organization;
		try {
			organization = new OrganizationId(organizationId);
		}
		catch (IllegalArgumentException ex) {
			throw Problems.organizationNotFound();
		}
		Role role = this.members.member(organization, caller.user()).orElseThrow(Problems::organizationNotFound).role();
		if (!PermissionMatrix.grantsOrganizationWide(role, Action.VIEW_ACTIVITY_LOG)) {
			throw Problems.actionNotPermitted("Reading the audit trail needs a role that grants view_activity_log "
					+ "(the " + role.label() + " role does not) or the membership:audit scope.");
		}
	}

	private static ErrorResponseException problem(HttpStatus status, String code, String detail) {
		return Problems.exception(status, code, null, detail);
	}

}
