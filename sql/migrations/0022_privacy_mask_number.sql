-- Erasure anonymises the numbers in a tenant's CDRs (kept for billing under legal hold).
-- privacy_mask_number keeps an optional leading '+' and the first p_keep digits and replaces every
-- further digit with 'x'; any other character (a SIP user name, a URI) is dropped.
-- Examples: ('+442071234567', 4) -> '+4420xxxxxxxx'; ('alice', 2) -> ''.
CREATE FUNCTION privacy_mask_number(p_number text, p_keep integer) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_number IS NULL THEN NULL ELSE
      (CASE WHEN left(p_number, 1) = '+' AND regexp_replace(p_number, '[^0-9]', '', 'g') <> '' THEN '+' ELSE '' END)
      || left(regexp_replace(p_number, '[^0-9]', '', 'g'), greatest(p_keep, 0))
      || repeat('x', greatest(length(regexp_replace(p_number, '[^0-9]', '', 'g')) - greatest(p_keep, 0), 0))
    END
  $$;
