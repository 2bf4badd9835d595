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

	private MembershipTopics() {
	}

}
