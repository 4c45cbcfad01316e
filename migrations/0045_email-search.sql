-- Up Migration

-- Email/query, Email/queryChanges and SearchSnippet/get (issue 7, ADR 0009).

-- Address text of a set of EmailAddress lists for the full-text document: each name and email, once as written
-- (the parser keeps "alice@example.com" as one email token) and once with "@" and "." as spaces (so "alice" and
-- "example" match on their own). IMMUTABLE: jsonb_path_query_array and translate are.
CREATE FUNCTION email_search_addresses(a jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN jsonb_path_query_array(COALESCE(a, '[]'::jsonb), 'strict $[*].* ? (@ != null)')::text || ' '
      || translate(jsonb_path_query_array(COALESCE(a, '[]'::jsonb), 'strict $[*].* ? (@ != null)')::text, '@.', '  ');

-- File names of the body parts (attachments and named inline parts), as written and split at "." "-" "_".
CREATE FUNCTION email_search_part_names(body_structure jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN jsonb_path_query_array(body_structure, 'strict $.** ? (exists (@.partId)).name ? (@ != null)')::text || ' '
      || translate(jsonb_path_query_array(body_structure, 'strict $.** ? (exists (@.partId)).name ? (@ != null)')::text, '.-_', '   ');

-- The full-text document, written by PostgreSQL in the projection's own INSERT (a stored generated column: the
-- same transaction and statement, no extra round trip, and a replay rebuilds it). Weights name the field, so
-- the subject / body filters restrict a match with ts_filter: A subject, B from/to/cc/bcc, C part names, D body.
-- Subject, addresses and part names are small and indexed with both the 'english' (stemmed) and 'simple'
-- configurations; the body text (at most 32 KiB, ADR 0007) with 'english' only, because to_tsvector costs
-- about 1.5 us per word and the body is almost all of the words (ADR 0009).
ALTER TABLE emails ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, COALESCE(subject, '')), 'A')
 || setweight(to_tsvector('simple'::regconfig, COALESCE(subject, '')), 'A')
 || setweight(to_tsvector('simple'::regconfig,
      email_search_addresses(from_) || ' ' || email_search_addresses(to_) || ' '
      || email_search_addresses(cc) || ' ' || email_search_addresses(bcc)), 'B')
 || setweight(to_tsvector('simple'::regconfig, email_search_part_names(body_structure)), 'C')
 || setweight(to_tsvector('english'::regconfig, email_search_part_names(body_structure)), 'C')
 || setweight(to_tsvector('english'::regconfig, text_extract), 'D')
) STORED;

-- The document of a large email is tens of KiB; keep it out of line uncompressed like text_extract (0020).
DO $$
BEGIN
  ALTER TABLE emails ALTER COLUMN search SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  ALTER TABLE emails ALTER COLUMN search SET STORAGE EXTERNAL;
END $$;

-- New entries wait in the GIN pending list until a vacuum (or the list's limit) merges them, and every search
-- reads the whole list: at the default 4 MB limit that is tens of ms per search after an import burst. 512 kB
-- bounds it to a few ms at the price of more frequent, smaller merges during imports.
CREATE INDEX emails_search_idx ON emails USING gin (search) WITH (gin_pending_list_limit = 512);
-- Queries without inMailbox sorted by receivedAt (the default sort), and the anchor of a receivedAt window.
CREATE INDEX emails_received_idx ON emails (account_id, received_at DESC, id);
-- Thread peers: the *InThreadHaveKeyword filters and sorts, collapseThreads and queryChanges' thread expansion.
CREATE INDEX emails_thread_idx ON emails (account_id, thread_id);
-- hasKeyword / notKeyword without a mailbox (e.g. every flagged email): GIN over the keyword arrays.
CREATE INDEX emails_keywords_idx ON emails USING gin (keywords);

-- Down Migration
DROP INDEX emails_keywords_idx;
DROP INDEX emails_thread_idx;
DROP INDEX emails_received_idx;
DROP INDEX emails_search_idx;
ALTER TABLE emails DROP COLUMN search;
DROP FUNCTION email_search_part_names(jsonb);
DROP FUNCTION email_search_addresses(jsonb);
