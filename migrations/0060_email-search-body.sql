-- Up Migration

-- The body part of the full-text document comes from the email service (ADR 0009, "The body's document"):
-- PostgreSQL's to_tsvector over the body text was about 1.9 ms of database CPU per imported email, the largest
-- single cost of an import. The service stems plain words itself (exactly as to_tsvector does:
-- libs/email/data-access/src/search), asks to_tsvector once for each other chunk of text it has not seen (links,
-- hyphenated words, dates) and writes the body's tsvector as a literal. `search` stops being a generated column
-- (its values stay) and the projection's INSERT writes it with email_search_document, the former expression with
-- the body part replaced.

-- The literal is the tsvector the service built; `rest`, when the rest of a body holds what may be an HTML tag
-- (the one construct of the parser that runs over white space), is given to to_tsvector as it is and continues
-- the literal's positions. The literal then marks its last position with the lexeme '~ ~' (its last words may
-- be stop words, which take positions without a lexeme), deleted here.
CREATE FUNCTION email_search_body(literal text, rest text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN rest IS NULL THEN literal::tsvector
              ELSE ts_delete(literal::tsvector || to_tsvector('english'::regconfig, rest), '~ ~') END;

-- The document of migration 0045 with the body part from the service (its literal and the rest of the text).
CREATE FUNCTION email_search_document(subject text, from_ jsonb, to_ jsonb, cc jsonb, bcc jsonb,
                                      body_structure jsonb, body text, body_rest text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN setweight(to_tsvector('english'::regconfig, COALESCE(subject, '')), 'A')
      || setweight(to_tsvector('simple'::regconfig, COALESCE(subject, '')), 'A')
      || setweight(to_tsvector('simple'::regconfig,
           email_search_addresses(from_) || ' ' || email_search_addresses(to_) || ' '
           || email_search_addresses(cc) || ' ' || email_search_addresses(bcc)), 'B')
      || setweight(to_tsvector('simple'::regconfig, email_search_part_names(body_structure)), 'C')
      || setweight(to_tsvector('english'::regconfig, email_search_part_names(body_structure)), 'C')
      || setweight(email_search_body(body, body_rest), 'D');

ALTER TABLE emails ALTER COLUMN search DROP EXPRESSION;

-- Down Migration
ALTER TABLE emails DROP COLUMN search;
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
ALTER TABLE emails ALTER COLUMN search SET STORAGE EXTERNAL;
CREATE INDEX emails_search_idx ON emails USING gin (search) WITH (gin_pending_list_limit = 512);
DROP FUNCTION email_search_document(text, jsonb, jsonb, jsonb, jsonb, jsonb, text, text);
DROP FUNCTION email_search_body(text, text);
