CREATE TABLE "fetches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"error" text,
	"items_new" integer DEFAULT 0 NOT NULL,
	"items_updated" integer DEFAULT 0 NOT NULL,
	"bytes" bigint
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"key" text NOT NULL,
	"guid" text,
	"url" text,
	"title" text NOT NULL,
	"content_html" text DEFAULT '' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"author" text,
	"published_at" timestamp with time zone NOT NULL,
	"date_from_feed" boolean DEFAULT true NOT NULL,
	"modified_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"language" text DEFAULT 'other' NOT NULL,
	"lang_hint" text,
	"enclosure" jsonb,
	"content_hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"url" text NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"host" text NOT NULL,
	"title" text NOT NULL,
	"organization" text NOT NULL,
	"region" text NOT NULL,
	"province" text,
	"languages" text[] NOT NULL,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"site_url" text,
	"origin" text DEFAULT 'file' NOT NULL,
	"interval_override_minutes" integer,
	"status" text DEFAULT 'active' NOT NULL,
	"etag" text,
	"last_modified" text,
	"body_hash" text,
	"feed_title" text,
	"feed_link" text,
	"last_fetch_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_status" integer,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"last_warnings" jsonb,
	"error_count" integer DEFAULT 0 NOT NULL,
	"interval_minutes" integer,
	"next_fetch_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"redirect_to" text,
	"redirect_seen" integer DEFAULT 0 NOT NULL,
	"item_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fetches" ADD CONSTRAINT "fetches_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fetches_source_idx" ON "fetches" USING btree ("source_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "items_source_key" ON "items" USING btree ("source_id","key");--> statement-breakpoint
CREATE INDEX "items_published_idx" ON "items" USING btree ("published_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "items_source_published_idx" ON "items" USING btree ("source_id","published_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "sources_slug_key" ON "sources" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "sources_due_idx" ON "sources" USING btree ("next_fetch_at");--> statement-breakpoint
CREATE INDEX "sources_host_idx" ON "sources" USING btree ("host");