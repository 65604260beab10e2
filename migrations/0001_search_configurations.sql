-- Accent-insensitive full-text search in English, French and language-neutral form: each
-- configuration runs words through unaccent before stemming, so "evenement" finds "événement".
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION passerelle_en (COPY = english);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION passerelle_en ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION passerelle_fr (COPY = french);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION passerelle_fr ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION passerelle_simple (COPY = simple);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION passerelle_simple ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
