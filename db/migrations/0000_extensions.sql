-- Trigram search on audit messages (audit_log_message_trgm_idx).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
