// The migrated database matches schema.prisma. Prisma's own engine renders the SQL it would
// create from the datamodel; we build that in a scratch database and compare it, object by
// object, with the database our migrations produced. Any difference is drift: a model changed
// without a migration, or a migration that Prisma's client would not expect.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { renderSql } from "@maxl/prisma-sqlgen";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migrationsDir } from "../src/migrations.ts";
import { testServices, withDatabase } from "../src/testing/index.ts";
import { type SchemaSnapshot, snapshotSchema } from "./support/schema-snapshot.ts";

const services = testServices();
const scratch = `maxl_drift_${randomUUID().slice(0, 8)}`;
const scratchUrl = withDatabase(services.adminUrl, scratch);
let expected: SchemaSnapshot;
let actual: SchemaSnapshot;

beforeAll(async () => {
  const schema = await readFile(new URL("../schema.prisma", import.meta.url), "utf8");
  const sql = await renderSql({ to: schema, databaseUrl: services.adminUrl });
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(scratch)}`);
  const client = new pg.Client({ connectionString: scratchUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
  [expected, actual] = await Promise.all([snapshotSchema(scratchUrl), snapshotSchema(services.adminUrl)]);
}, 120_000);

afterAll(async () => {
  await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratch)} WITH (FORCE)`);
});

it("renders a non-trivial schema from schema.prisma", () => {
  expect(Object.keys(expected.tables).length).toBeGreaterThanOrEqual(16);
  expect(migrationsDir).toMatch(/migrations$/);
});

it("has the enums schema.prisma declares", () => {
  expect(actual.enums).toEqual(expected.enums);
});

it("has exactly the tables schema.prisma declares", () => {
  expect(Object.keys(actual.tables).sort()).toEqual(Object.keys(expected.tables).sort());
});

it("has every column, key and index as schema.prisma declares them", () => {
  for (const [name, table] of Object.entries(expected.tables)) {
    expect({ table: name, ...actual.tables[name] }).toEqual({ table: name, ...table });
  }
});

it("has the partial and covering indexes the migrations own, which Prisma does not render", () => {
  expect(expected.partialIndexes).toEqual({});
  expect(actual.partialIndexes).toEqual({
    guest_restaurant_visits_covering_idx:
      "CREATE INDEX guest_restaurant_visits_covering_idx ON public.guest_restaurant_visits USING btree (tenant_id, restaurant_id) INCLUDE (days, multi)",
    outbox_events_published_deduped_idx:
      "CREATE INDEX outbox_events_published_deduped_idx ON public.outbox_events USING btree (tenant_id, published_at) WHERE ((published_at IS NOT NULL) AND (dedupe_key IS NOT NULL))",
    outbox_events_published_idx:
      "CREATE INDEX outbox_events_published_idx ON public.outbox_events USING btree (tenant_id, published_at) WHERE ((published_at IS NOT NULL) AND (dedupe_key IS NULL))",
    outbox_events_unpublished_idx:
      "CREATE INDEX outbox_events_unpublished_idx ON public.outbox_events USING btree (id) WHERE (published_at IS NULL)",
    pos_events_refunds_idx:
      "CREATE INDEX pos_events_refunds_idx ON public.pos_events USING btree (tenant_id, integration_id, refund_of) WHERE (refund_of IS NOT NULL)",
    pos_events_unidentified_idx:
      "CREATE INDEX pos_events_unidentified_idx ON public.pos_events USING btree (tenant_id, closed_at) WHERE (status = 'unidentified'::pos_event_status)",
    pos_events_waiting_idx:
      "CREATE INDEX pos_events_waiting_idx ON public.pos_events USING btree (COALESCE(enqueued_at, '-infinity'::timestamp with time zone)) WHERE (status = 'received'::pos_event_status)",
  });
});

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(services.adminUrl, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
