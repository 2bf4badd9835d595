package io.membership.audit;

import io.membership.audit.AuditCheckpoints.Checkpoint;

/**
 * Where a checkpoint goes once it is signed and stored, so that copies live outside the
 * database: the service publishes it to Kafka. A checkpoint that could not be published
 * is still stored and served; the next one is published again.
 */
public interface CheckpointPublisher {

	/** Publishes the checkpoint; a failure is logged, never thrown. */
	void publish(Checkpoint checkpoint);

}
