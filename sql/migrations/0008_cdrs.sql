-- Call detail records, one per call attempt, RANGE-partitioned by month on started_at so that
-- retention is a partition drop. Partitions are created ahead with ensure_cdr_partitions().

CREATE TABLE cdrs (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  call_id text NOT NULL CHECK (length(call_id) BETWEEN 1 AND 256),
  tenant_id uuid,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'onnet')),
  calling_number text NOT NULL DEFAULT '' CHECK (length(calling_number) <= 64),
  called_number text NOT NULL DEFAULT '' CHECK (length(called_number) <= 64),
  gateway_id uuid,
  carrier_id uuid,
  sip_status smallint CHECK (sip_status BETWEEN 100 AND 699),
  sip_reason text CHECK (length(sip_reason) <= 200),
  disposition text NOT NULL CHECK (disposition IN ('answered', 'busy', 'no_answer', 'failed', 'rejected', 'cancelled', 'cut_off')),
  -- Setup time (INVITE received) and partition key.
  started_at timestamptz NOT NULL,
  ring_at timestamptz,
  answer_at timestamptz,
  end_at timestamptz,
  pdd_ms integer CHECK (pdd_ms >= 0),
  billable_sec integer NOT NULL DEFAULT 0 CHECK (billable_sec >= 0),
  price_minor bigint NOT NULL DEFAULT 0,
  cost_minor bigint NOT NULL DEFAULT 0,
  margin_minor bigint GENERATED ALWAYS AS (price_minor - cost_minor) STORED,
  currency char(3) CHECK (currency ~ '^[A-Z]{3}$'),
  -- {"prefix": "4420", "planId": "...", "initialIncrementSec": 60, "subsequentIncrementSec": 60, ...}
  rating jsonb NOT NULL DEFAULT '{}'::jsonb,
  end_reason text CHECK (length(end_reason) <= 200),
  recorded boolean NOT NULL DEFAULT false,
  reconciled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, started_at),
  UNIQUE (call_id, started_at)
) PARTITION BY RANGE (started_at);

CREATE INDEX cdrs_tenant_time ON cdrs (tenant_id, started_at DESC, id DESC);
CREATE INDEX cdrs_called ON cdrs (called_number);
CREATE INDEX cdrs_unreconciled ON cdrs (started_at) WHERE NOT reconciled;

-- Creates the monthly partitions cdrs_YYYYMM covering `months` months from the month of
-- `from_month`; existing ones are kept. Returns how many were created.
CREATE FUNCTION ensure_cdr_partitions(from_month date, months integer) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  v_start date := date_trunc('month', from_month)::date;
  v_created integer := 0;
  v_name text;
BEGIN
  IF months < 1 OR months > 120 THEN
    RAISE EXCEPTION 'months must be 1..120, got %', months USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR i IN 0 .. months - 1 LOOP
    v_name := format('cdrs_%s', to_char(v_start + make_interval(months => i), 'YYYYMM'));
    IF to_regclass(v_name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF cdrs FOR VALUES FROM (%L) TO (%L)', v_name,
                     (v_start + make_interval(months => i)) AT TIME ZONE 'UTC',
                     (v_start + make_interval(months => i + 1)) AT TIME ZONE 'UTC');
      v_created := v_created + 1;
    END IF;
  END LOOP;
  RETURN v_created;
END
$$;

-- Retention: drops monthly partitions that end on or before `before_month`. Returns the count.
CREATE FUNCTION drop_cdr_partitions_before(before_month date) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  v_part record;
  v_dropped integer := 0;
BEGIN
  FOR v_part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'cdrs'::regclass AND c.relname ~ '^cdrs_[0-9]{6}$'
       AND to_date(substr(c.relname, 6), 'YYYYMM') + interval '1 month' <= date_trunc('month', before_month)
  LOOP
    EXECUTE format('DROP TABLE %I', v_part.relname);
    v_dropped := v_dropped + 1;
  END LOOP;
  RETURN v_dropped;
END
$$;

-- Partitions around the time the schema is created; the workers service keeps creating them ahead.
SELECT ensure_cdr_partitions((now() - interval '12 months')::date, 36);
