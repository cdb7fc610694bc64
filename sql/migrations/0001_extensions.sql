-- Extensions used across the schema. gen_random_uuid() is core since PostgreSQL 13.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
