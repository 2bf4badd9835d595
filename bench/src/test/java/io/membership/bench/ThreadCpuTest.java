package io.membership.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ThreadCpuTest {

	@Test
	void threads_are_grouped_by_their_native_names_as_the_service_runs_them() {
		// Names as /proc/<pid>/task/*/comm shows them: the Java name cut to 15
		// characters.
		assertThat(ThreadCpu.role("http-nio-8080-e")).isEqualTo("http_requests");
		assertThat(ThreadCpu.role("organization-sn")).isEqualTo("command_side");
		assertThat(ThreadCpu.role("command-retry")).isEqualTo("command_side");
		assertThat(ThreadCpu.role("EventProcessor[")).isEqualTo("publisher");
		assertThat(ThreadCpu.role("query-projectio")).isEqualTo("query_projection");
		assertThat(ThreadCpu.role("kafka-producer-")).isEqualTo("kafka_clients");
		assertThat(ThreadCpu.role("EmbeddedEventSt")).isEqualTo("publisher");
		assertThat(ThreadCpu.role("data-plane-kafk")).isEqualTo("kafka_broker");
		assertThat(ThreadCpu.role("kafka-1-raft-io")).isEqualTo("kafka_broker");
		assertThat(ThreadCpu.role("kafka-1-metadat")).isEqualTo("kafka_broker");
		assertThat(ThreadCpu.role("GC Thread#0")).isEqualTo("gc");
		assertThat(ThreadCpu.role("G1 Conc#0")).isEqualTo("gc");
		assertThat(ThreadCpu.role("C2 CompilerThre")).isEqualTo("jit");
		assertThat(ThreadCpu.role("HikariPool-1 ho")).isEqualTo("other");
	}

	@Test
	void the_stat_line_gives_user_plus_system_ticks_even_when_the_name_holds_spaces_and_parentheses() {
		String stat = "4242 (G1 (odd) name) S 1 4242 4242 0 -1 4194368 10 0 0 0 120 34 0 0 20 0 1 0 5 0 0";

		assertThat(ThreadCpu.ticks(stat)).isEqualTo(154);
	}

	@Test
	void each_role_gets_what_its_threads_spent_between_the_samples_per_unit() {
		ThreadCpu.Sample before = new ThreadCpu.Sample(
				Map.of(1L, new ThreadCpu.Thread("http-nio-8080-e", 100), 2L,
						new ThreadCpu.Thread("EventProcessor[", 50), 3L, new ThreadCpu.Thread("kafka-producer-", 10)),
				1_000);
		// Thread 4 started during the run; thread 3 ended, taking 30 ticks the process
		// kept.
		ThreadCpu.Sample after = new ThreadCpu.Sample(
				Map.of(1L, new ThreadCpu.Thread("http-nio-8080-e", 300), 2L,
						new ThreadCpu.Thread("EventProcessor[", 90), 4L, new ThreadCpu.Thread("HikariPool-1 co", 20)),
				1_290);

		Map<String, Object> perCommand = ThreadCpu.perUnit(before, after, 100);

		// 200 ticks of 10 ms over 100 commands: 20 ms each.
		assertThat(perCommand).containsEntry("http_requests", 20.0)
			.containsEntry("publisher", 4.0)
			.containsEntry("kafka_clients", 0.0)
			.containsEntry("other", 2.0)
			.containsEntry("ended_threads", 3.0)
			.containsEntry("total", 29.0)
			.containsEntry("other_busiest_threads", Map.of("HikariPool-1 co", 2.0));
	}

	@Test
	void a_reused_thread_id_under_a_new_name_counts_as_a_new_thread() {
		ThreadCpu.Sample before = new ThreadCpu.Sample(Map.of(7L, new ThreadCpu.Thread("kafka-producer-", 500)), 500);
		ThreadCpu.Sample after = new ThreadCpu.Sample(Map.of(7L, new ThreadCpu.Thread("query-projectio", 40)), 1_040);

		Map<String, Object> perUnit = ThreadCpu.perUnit(before, after, 1);

		assertThat(perUnit).containsEntry("query_projection", 400.0)
			.containsEntry("kafka_clients", 0.0)
			.containsEntry("ended_threads", 5000.0);
	}

}
