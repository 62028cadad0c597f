CREATE TYPE "public"."price_currency" AS ENUM('credits', 'usd');--> statement-breakpoint
CREATE TABLE "invoice_line_items" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_id" text NOT NULL,
	"model" text NOT NULL,
	"strategy" text NOT NULL,
	"unit" text NOT NULL,
	"quantity" bigint NOT NULL,
	"price_id" text,
	"currency" "price_currency" NOT NULL,
	"unit_price" bigint NOT NULL,
	"amount" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"total_credits" bigint NOT NULL,
	"total_usd_micros" bigint NOT NULL,
	"finalized_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"id" text PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"currency" "price_currency" NOT NULL,
	"prompt_tokens" bigint,
	"generated_tokens" bigint,
	"verifier_tokens" bigint,
	"pflops" bigint,
	"effective_from" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prices_nonnegative" CHECK (coalesce("prices"."prompt_tokens", 0) >= 0 AND coalesce("prices"."generated_tokens", 0) >= 0 AND coalesce("prices"."verifier_tokens", 0) >= 0 AND coalesce("prices"."pflops", 0) >= 0)
);
--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "disabled_event" jsonb;--> statement-breakpoint
ALTER TABLE "invoice_line_items" ADD CONSTRAINT "invoice_line_items_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_line_items_invoice_idx" ON "invoice_line_items" USING btree ("invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_tenant_period_idx" ON "invoices" USING btree ("tenant_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "prices_model_effective_idx" ON "prices" USING btree ("model","effective_from");--> statement-breakpoint
CREATE INDEX "usage_tenant_created_idx" ON "usage_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
-- Hand-written (drizzle-kit does not model triggers): price versions and finalized invoices are never updated in place.
CREATE FUNCTION "billing_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;--> statement-breakpoint
CREATE TRIGGER "prices_immutable" BEFORE UPDATE ON "prices" FOR EACH ROW EXECUTE FUNCTION "billing_refuse_update"();--> statement-breakpoint
CREATE TRIGGER "invoices_immutable" BEFORE UPDATE ON "invoices" FOR EACH ROW EXECUTE FUNCTION "billing_refuse_update"();--> statement-breakpoint
CREATE TRIGGER "invoice_line_items_immutable" BEFORE UPDATE ON "invoice_line_items" FOR EACH ROW EXECUTE FUNCTION "billing_refuse_update"();
