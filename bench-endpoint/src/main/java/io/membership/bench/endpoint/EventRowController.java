package io.membership.bench.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/aggregates/{aggregate}/events/{sequence}}: the request body (an
 * event's JSON, the bench sends a real {@code MemberRoleChanged}) becomes one row of a
 * table shaped like Axon's {@code domainevententry} (the bench creates it, with the same
 * keys and indexes, as {@code bench_endpoint_events}), inserted in a transaction of its
 * own; the answer is the row's id. The client numbers its aggregate's events, as the
 * bench's JDBC baseline does, so the endpoint reads nothing before it writes.
 */
@RestController
class EventRowController {

	private static final String INSERT = "INSERT INTO bench_endpoint_events (aggregateidentifier, sequencenumber, "
			+ "type, eventidentifier, metadata, payload, payloadrevision, payloadtype, timestamp) "
			+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING globalindex";

	private final JdbcTemplate jdbc;

	EventRowController(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@PostMapping("/api/aggregates/{aggregate}/events/{sequence}")
	Stored append(@PathVariable String aggregate, @PathVariable long sequence, @RequestBody byte[] payload,
			@AuthenticationPrincipal Jwt caller) {
		byte[] metadata = ("{\"correlationId\":\"" + UUID.randomUUID() + "\",\"userId\":\"" + caller.getSubject()
				+ "\"}")
			.getBytes(StandardCharsets.UTF_8);
		Long id = this.jdbc.queryForObject(INSERT, Long.class, aggregate, sequence, "Organization",
				UUID.randomUUID().toString(), metadata, payload, "1", "io.membership.events.MemberRoleChanged",
				Instant.now().toString());
		return new Stored(id);
	}

	record Stored(long id) {
	}

}
