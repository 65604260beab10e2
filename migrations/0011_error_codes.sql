ALTER TABLE "fetches" ADD COLUMN "error_code" text;--> statement-breakpoint
ALTER TABLE "fetches" ADD COLUMN "error_params" jsonb;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "last_error_code" text;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "last_error_params" jsonb;--> statement-breakpoint
-- Rows stored before errors had codes: the code and its facts recovered from the English text,
-- as well as the text allows (every stored message came from the fetcher, from feeds.yaml
-- retirement, or from the parser, whose messages all become not-a-feed). The text stays as the detail.
CREATE FUNCTION passerelle_legacy_error(message text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN message = 'no longer listed in feeds.yaml' THEN jsonb_build_object('code', 'retired', 'params', '{}'::jsonb)
    WHEN message ~ '^blocked by bot protection' THEN jsonb_build_object('code', 'bot-protection', 'params',
      jsonb_strip_nulls(jsonb_build_object('status', substring(message from '\((\d{3})\)')::int)))
    WHEN message ~ '^blocked: redirect to non-public address \(' THEN jsonb_build_object('code', 'blocked', 'params',
      jsonb_build_object('address', substring(message from '\(([^()]*)\)$'), 'viaRedirect', true))
    WHEN message ~ '^blocked: non-public address \(.* → ' THEN jsonb_build_object('code', 'blocked', 'params',
      jsonb_build_object('host', substring(message from '\((.*) → '), 'address', substring(message from ' → ([^()]*)\)$')))
    WHEN message ~ '^blocked: non-public address \(' THEN jsonb_build_object('code', 'blocked', 'params',
      jsonb_build_object('address', substring(message from '\(([^()]*)\)$')))
    WHEN message ~ '^DNS lookup failed for ' THEN jsonb_build_object('code', 'dns', 'params', jsonb_strip_nulls(jsonb_build_object(
      'host', substring(message from '^DNS lookup failed for (\S+)'), 'cause', substring(message from '\((\w+)\)$'))))
    WHEN message ~ '^TLS error' THEN jsonb_build_object('code', 'tls', 'params', '{}'::jsonb)
    WHEN message ~ '^timed out after' THEN jsonb_build_object('code', 'timeout', 'params',
      jsonb_strip_nulls(jsonb_build_object('seconds', substring(message from 'after ([0-9.]+)s')::numeric)))
    WHEN message ~ '^(connection timed out|connection refused|connection reset|connection closed by|host unreachable|network unreachable|address not available)'
      THEN jsonb_build_object('code', 'connect', 'params', '{}'::jsonb)
    WHEN message ~ '^(malformed HTTP response|network error|connection lost|fetch failed)' THEN jsonb_build_object('code', 'network', 'params', '{}'::jsonb)
    WHEN message ~ '^response too large' THEN jsonb_build_object('code', 'too-large', 'params', '{}'::jsonb)
    WHEN message ~ '^too many redirects' THEN jsonb_build_object('code', 'too-many-redirects', 'params',
      jsonb_strip_nulls(jsonb_build_object('count', substring(message from 'more than (\d+)')::int)))
    WHEN message ~ '^empty response' THEN jsonb_build_object('code', 'empty', 'params',
      jsonb_strip_nulls(jsonb_build_object('status', substring(message from '\((\d{3})\)')::int)))
    WHEN message ~ '^(unsupported content encoding|too many content encodings|corrupt \w+ data)' THEN jsonb_build_object('code', 'bad-encoding', 'params', '{}'::jsonb)
    WHEN message ~ '^cannot determine the character encoding' THEN jsonb_build_object('code', 'charset', 'params', '{}'::jsonb)
    WHEN message ~ '^(invalid URL|cannot request this URL|unsupported URL scheme|redirect to (an invalid URL|unsupported URL scheme))'
      THEN jsonb_build_object('code', 'bad-url', 'params', '{}'::jsonb)
    WHEN message ~ '^not a feed \((HTML|text/html)' THEN jsonb_build_object('code', 'not-a-feed', 'params', jsonb_build_object('contentType', 'text/html'))
    WHEN message ~ '^not a feed \([a-z]+/[^)]+\)$' THEN jsonb_build_object('code', 'not-a-feed', 'params',
      jsonb_build_object('contentType', substring(message from '^not a feed \(([^)]+)\)$')))
    WHEN message ~ '^(invalid (XML|JSON|feed)|empty document|unsupported format|document |not a feed)' THEN jsonb_build_object('code', 'not-a-feed', 'params', '{}'::jsonb)
    WHEN message ~ '\(\d{3}\)|^unexpected HTTP status \d{3}' THEN jsonb_build_object('code', 'http', 'params',
      jsonb_build_object('status', coalesce(substring(message from '\((\d{3})\)'), substring(message from 'status (\d{3})'))::int))
    ELSE jsonb_build_object('code', 'not-a-feed', 'params', '{}'::jsonb)
  END
$$;
--> statement-breakpoint
UPDATE "sources" SET "last_error_code" = passerelle_legacy_error("last_error") ->> 'code', "last_error_params" = passerelle_legacy_error("last_error") -> 'params'
  WHERE "last_error" IS NOT NULL;
--> statement-breakpoint
UPDATE "fetches" SET "error_code" = passerelle_legacy_error("error") ->> 'code', "error_params" = passerelle_legacy_error("error") -> 'params'
  WHERE "error" IS NOT NULL;
--> statement-breakpoint
DROP FUNCTION passerelle_legacy_error(text);
--> statement-breakpoint
-- Warnings stored as English text keep their words, under the code for notes from before codes.
UPDATE "sources" SET "last_warnings" = (
    SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(w) = 'string' THEN jsonb_build_object('code', 'note', 'params', jsonb_build_object('detail', w #>> '{}')) ELSE w END), '[]'::jsonb)
    FROM jsonb_array_elements("last_warnings") AS w)
  WHERE jsonb_typeof("last_warnings") = 'array';
