package io.membership.topics;

/**
 * The service's topics. {@value #EVENTS} and {@value #ROLES} are the two of the contract
 * (API.md, "Kafka"; the events jar's AsyncAPI document); {@value #CHECKPOINTS} carries
 * the signed audit checkpoints. {@value #EVENTS} keeps every event forever, because
 * auditors and rebuilds read it from the start; {@value #ROLES} is compacted to each
 * member's latest state; the checkpoints are kept forever too.
 */
public final class MembershipTopics {

	public static final String EVENTS = "membership.events.v1";

	public static final String ROLES = "membership.roles.v1";

	public static final String CHECKPOINTS = "membership.audit-checkpoints.v1";

	/**
	 * The security events (API.md, "Security events"), keyed by organization id or
	 * {@code -}, kept as long as the service keeps them in its table.
	 */
	public static final String SECURITY = "membership.security.v1";

	/**
	 * The e-mail addresses the events no longer carry, compacted: key
	 * {@code user:{user_id}} or {@code invitation:{invitation_id}}, the latest address as
	 * its value, and a tombstone (null value) once the person's data is erased.
	 */
	public static final String PERSONAL_DATA = "membership.personal-data.v1";

	private MembershipTopics() {
	}

}
