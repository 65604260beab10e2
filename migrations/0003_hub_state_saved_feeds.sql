CREATE TABLE "hub_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "saved_feeds" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"query" text NOT NULL,
	"ui" text DEFAULT 'en' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The single row every ingest bumps.
INSERT INTO "hub_state" ("id", "generation") VALUES (1, 0) ON CONFLICT DO NOTHING;
