-- One live job (queued, running or polling) per subscription, enforced by the database: two jobs of one subscription
-- would both call the broker and one of them would then hold a broker slot for ever. Older live duplicates left by
-- dead-letter retries end first, as failed with the reason; the newest job of each subscription goes on.
UPDATE provisioning_jobs
SET state = 'failed', last_error = 'superseded by a newer live job of the same subscription', finished_at = created_at,
    lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
WHERE state IN ('queued', 'running', 'polling')
  AND EXISTS (SELECT 1 FROM provisioning_jobs n
              WHERE n.subscription_id = provisioning_jobs.subscription_id AND n.state IN ('queued', 'running', 'polling')
                AND (n.created_at > provisioning_jobs.created_at OR (n.created_at = provisioning_jobs.created_at AND n.id > provisioning_jobs.id)));
CREATE UNIQUE INDEX ux_provisioning_jobs_live ON provisioning_jobs (subscription_id) WHERE state IN ('queued', 'running', 'polling');
