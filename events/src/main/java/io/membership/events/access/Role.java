package io.membership.events.access;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A member's role, by Label Studio Enterprise's two-letter codes. {@link #NOT_ACTIVATED}
 * and {@link #DEACTIVATED} are states rather than roles: they grant nothing.
 */
public enum Role {

	OWNER("OW", "Owner"), ADMINISTRATOR("AD", "Administrator"), MANAGER("MA", "Manager"), REVIEWER("RE", "Reviewer"),
	ANNOTATOR("AN", "Annotator"), NOT_ACTIVATED("NO", "Not Activated"), DEACTIVATED("DI", "Deactivated");

	private final String code;

	private final String label;

	Role(String code, String label) {
		this.code = code;
		this.label = label;
	}

	@JsonValue
	public String code() {
		return this.code;
	}

	public String label() {
		return this.label;
	}

	/** Active members are the only ones the permission matrix grants anything to. */
	public boolean isActive() {
		return this != NOT_ACTIVATED && this != DEACTIVATED;
	}

	/**
	 * Roles an Administrator or Owner may hand out. The Owner role moves only by
	 * transfer, and the two states are reached by joining and deactivating.
	 */
	public boolean isAssignable() {
		return this == ADMINISTRATOR || this == MANAGER || this == REVIEWER || this == ANNOTATOR;
	}

	public static Optional<Role> fromCode(String code) {
		return Arrays.stream(values()).filter((role) -> role.code.equals(code)).findFirst();
	}

	@JsonCreator
	static Role ofCode(String code) {
		return fromCode(code).orElseThrow(() -> new IllegalArgumentException("unknown role code '" + code + "'"));
	}

}
