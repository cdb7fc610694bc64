-- Minimal development data: one carrier with a loopback gateway and a default route, a shared EUR
-- price plan, a blocked premium range and a few inventory numbers. Idempotent (safe to re-run).
-- Apply with `npm run cli -- seed` (staff users and API keys are created with the CLI / API, never seeded).
INSERT INTO carriers (id, name) VALUES ('00000000-0000-4000-8000-00000000c001', 'Dev Carrier') ON CONFLICT DO NOTHING;

INSERT INTO gateways (id, carrier_id, name, address, port, transport)
  VALUES ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-00000000c001', 'dev-gw-1', '127.0.0.1', 5090, 'udp')
  ON CONFLICT DO NOTHING;
INSERT INTO gateway_acl_entries (gateway_id, cidr) VALUES ('00000000-0000-4000-8000-00000000a001', '127.0.0.1/32') ON CONFLICT DO NOTHING;
INSERT INTO routes (prefix, gateway_id, priority, weight) VALUES ('', '00000000-0000-4000-8000-00000000a001', 100, 100) ON CONFLICT DO NOTHING;

INSERT INTO blocked_prefixes (tenant_id, prefix, reason) VALUES (NULL, '881', 'satellite, premium') ON CONFLICT DO NOTHING;

INSERT INTO rate_decks (id, kind, name, currency) VALUES ('00000000-0000-4000-8000-00000000d001', 'price', 'Dev retail EUR', 'EUR') ON CONFLICT DO NOTHING;
INSERT INTO rate_deck_versions (id, deck_id, row_count, source)
  VALUES ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-00000000d001', 3, 'seed')
  ON CONFLICT DO NOTHING;
INSERT INTO rate_deck_rows (version_id, source_line, prefix, description, rate_micros_per_min, connect_fee_micros, initial_increment_sec, subsequent_increment_sec, effective_from, currency)
  SELECT '00000000-0000-4000-8000-00000000e001', v.line, v.prefix, v.description, v.rate, 0, 60, 60, '2026-01-01T00:00:00Z', 'EUR'
    FROM (VALUES (2, '49', 'Germany', 12000), (3, '4915', 'Germany mobile', 45000), (4, '44', 'United Kingdom', 15000)) AS v(line, prefix, description, rate)
   WHERE NOT EXISTS (SELECT 1 FROM rate_deck_rows WHERE version_id = '00000000-0000-4000-8000-00000000e001');
UPDATE rate_decks SET current_version_id = '00000000-0000-4000-8000-00000000e001'
  WHERE id = '00000000-0000-4000-8000-00000000d001' AND current_version_id IS NULL;

INSERT INTO numbers (e164, country, number_type, monthly_price_minor, setup_price_minor, currency, kyc_required, carrier_id) VALUES
  ('+4930555000001', 'DE', 'local', 100, 0, 'EUR', false, '00000000-0000-4000-8000-00000000c001'),
  ('+4930555000002', 'DE', 'local', 100, 0, 'EUR', false, '00000000-0000-4000-8000-00000000c001'),
  ('+4915555000003', 'DE', 'mobile', 300, 500, 'EUR', true, '00000000-0000-4000-8000-00000000c001')
  ON CONFLICT DO NOTHING;
