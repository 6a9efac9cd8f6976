-- The conformance module's own notifications table was written but never shown: users are notified by the
-- notifications module from the audit trail (user_notifications). The table and its index go.
DROP TABLE notifications;
