-- Support for the SMS privacy rules of 0033 (which runs before 0050 on a fresh database and so could
-- not touch sms_messages itself).

-- The hourly body-clearing pass (sms_retention in 0033) looks only at messages whose body is still
-- there: with this partial index it touches the uncleared rows of the last 30 days' edge, not the
-- up to five months of already cleared ones per workspace.
CREATE INDEX sms_messages_uncleared_body ON sms_messages (tenant_id, occurred_at) WHERE body <> '';

-- A SIP user who sent messages can be deleted (client request or erasure): the message keeps its
-- billing facts and numbers and loses only the link.
ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_sip_user_id_fkey;
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_sip_user_id_fkey
  FOREIGN KEY (sip_user_id) REFERENCES sip_users (id) ON DELETE SET NULL;
