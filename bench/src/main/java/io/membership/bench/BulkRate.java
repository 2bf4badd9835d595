package io.membership.bench;

/**
 * What a run of bulk requests stored per second: each accepted item is one event, so the
 * events a request stored are its accepted items, and the rate to compare with single
 * commands (one event each) is events, not requests, per second.
 *
 * @param requests the bulk requests answered 200 during the run
 * @param events the accepted items of those requests, one stored event each
 * @param seconds how long the run took, its last request included
 */
record BulkRate(long requests, long events, double seconds) {

	double requestsPerSecond() {
		return (this.seconds > 0) ? this.requests / this.seconds : 0;
	}

	double eventsPerSecond() {
		return (this.seconds > 0) ? this.events / this.seconds : 0;
	}

	/**
	 * How many times the events per second of single commands this is; 0 when there is no
	 * single-command rate to compare with.
	 */
	double ratioTo(double singleEventsPerSecond) {
		return (singleEventsPerSecond > 0) ? eventsPerSecond() / singleEventsPerSecond : 0;
	}

}
