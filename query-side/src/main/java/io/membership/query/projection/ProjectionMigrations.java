package io.membership.query.projection;

/**
 * Where the query side's tables ({@code qs_*}) are defined: Flyway migrations kept in
 * this module, those both databases run as written in {@link #COMMON}, the others in one
 * directory per database, as Spring Boot names them for its {@code {vendor}} placeholder.
 * Whoever migrates for one database names {@link #COMMON} and that database's directory.
 *
 * <p>
 * The service migrates them together with infra's own ({@code db/migration/common} and
 * {@code db/migration/{vendor}}; all are listed in infra's {@code application.yml}), so a
 * version number belongs to one of the two: a new migration takes the next number of
 * either. The rebuild's scratch database and the query side's tests migrate these alone.
 */
public final class ProjectionMigrations {

	/** The query side's migrations that both databases run as written. */
	public static final String COMMON = "classpath:db/query-side/common";

	/** The query side's migrations for H2, the embedded default's database. */
	public static final String H2 = "classpath:db/query-side/h2";

	/** The query side's migrations for PostgreSQL. */
	public static final String POSTGRESQL = "classpath:db/query-side/postgresql";

	private ProjectionMigrations() {
	}

}
