-- Whether the vendor's broker may hold an instance of the subscription: 'none' once it refused to create one or confirmed
-- its deletion, so that cancelling a subscription the broker never created ends at once, without a DELETE.
ALTER TABLE subscription_provisioning ADD broker_instance nvarchar(20) NULL;
-- Why a subscription failed, as a stable code the buyer's pages and API turn into words (the raw broker answer in
-- failure_reason is for the vendor and the platform only).
ALTER TABLE subscription_provisioning ADD failure_class nvarchar(20) NULL;
