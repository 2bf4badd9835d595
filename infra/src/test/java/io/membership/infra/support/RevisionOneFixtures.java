package io.membership.infra.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import io.membership.events.InvitationRevoked;
import io.membership.events.MemberJoined;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.UserInvited;

/**
 * The JSON fixtures of revision 1 under {@code fixtures/revision-1}: one organization's
 * history, as the service stored it before the addresses were kept apart.
 */
public final class RevisionOneFixtures {

	public static final String ORGANIZATION = "org_f1c7e500000000000000000000000001";

	public static final String OWNER_EMAIL = "owner@fixture.test";

	public static final String ANNA_EMAIL = "anna@fixture.test";

	public static final String BOB_EMAIL = "bob@fixture.test";

	public static final long ANNA = 42;

	private RevisionOneFixtures() {
	}

	/** The history in order: its version is its place in the list, from 1. */
	public static List<Fixture> history() {
		return List.of(new Fixture("1-OrganizationCreated.json", OrganizationCreated.class, "owner_email"),
				new Fixture("2-UserInvited.json", UserInvited.class, "email"),
				new Fixture("3-MemberJoined.json", MemberJoined.class, "email"),
				new Fixture("4-UserInvited.json", UserInvited.class, "email"),
				new Fixture("5-InvitationRevoked.json", InvitationRevoked.class, "email"));
	}

	/**
	 * @param addressMember the member of the revision-1 JSON that holds the address
	 */
	public record Fixture(String file, Class<? extends MembershipEvent> type, String addressMember) {

		public byte[] bytes() {
			try (InputStream in = RevisionOneFixtures.class.getResourceAsStream("/fixtures/revision-1/" + this.file)) {
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public String toString() {
			return this.file;
		}

	}

}
