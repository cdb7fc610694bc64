-- A diagnostic recording remembers the staff flag that recorded it: when staff close or move the
-- troubleshooting window, its recordings' expiry moves with it (deleted when the window closes).
ALTER TABLE recordings ADD COLUMN diagnostic_flag_id uuid REFERENCES diagnostic_recording_flags (id) ON DELETE SET NULL;
ALTER TABLE recordings ADD CONSTRAINT recordings_diagnostic_flag_kind CHECK (diagnostic_flag_id IS NULL OR kind = 'diagnostic');
CREATE INDEX recordings_diagnostic_flag ON recordings (diagnostic_flag_id) WHERE diagnostic_flag_id IS NOT NULL;
