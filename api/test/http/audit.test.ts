// The audit log page: search and filters, keyset pages, and the CSV export Excel opens.
import { UTF8_BOM } from "@maxl/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportAuditLog } from "../../src/core/audit/export-audit-log.ts";
import type { StaffRole } from "../../src/core/context.ts";
import { createEngineDeps } from "../../src/core/context.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, type World } from "./world.ts";

let test: TestApp;
let world: World;
let other: World;
const base = Date.parse("2026-01-10T12:00:00Z");

beforeAll(async () => {
  test = await createTestApp();
  [world, other] = await Promise.all([buildWorld(test), buildWorld(test)]);
  const tenantId = world.tenantId;
  await test.db.withTenant(tenantId, (tx) =>
    tx.auditLogEntry.createMany({
      data: [
        // Two entries in the same millisecond: the id orders them.
        ...[0, 1, 2, 3, 4, 5].map((n) => ({
          tenantId,
          createdAt: new Date(base + Math.floor(n / 2) * 60_000),
          actorKind: "staff" as const,
          actorStaffId: world.staff.manager.id,
          action: "points.adjust",
          entityType: "guest",
          entityId: `guest-${n}`,
          reason:
            n === 3 ? 'Компенсация, "извинение"\nза ожидание' : n === 4 ? '=HYPERLINK("http://x")' : `routine ${n}`,
          ip: "203.0.113.7",
          userAgent: "Mozilla/5.0",
          changes: { points: n * 10 },
        })),
        {
          tenantId,
          createdAt: new Date(base + 10 * 60_000),
          actorKind: "system" as const,
          action: "level.reevaluated",
          entityType: "guest",
          entityId: "guest-9",
        },
      ],
    }),
  );
  await test.db.withTenant(other.tenantId, (tx) =>
    tx.auditLogEntry.create({
      data: {
        tenantId: other.tenantId,
        actorKind: "staff",
        actorStaffId: other.staff.owner.id,
        action: "points.adjust",
        entityType: "guest",
        entityId: "their-guest",
        reason: "routine elsewhere",
      },
    }),
  );
});
afterAll(() => test.close());

interface Entry {
  id: string;
  createdAt: string;
  actor: { kind: string; staffId: string | null; name: string | null; email: string | null };
  action: string;
  entityId: string | null;
  reason: string | null;
  changes: unknown;
}

async function get(as: World, role: StaffRole, path: string) {
  return test.app.request(path, { headers: { Authorization: `Bearer ${await as.tokenFor(role)}` } });
}

async function page(path: string, as = world): Promise<{ items: Entry[]; nextCursor: string | null }> {
  const response = await get(as, "admin", path);
  expect(response.status).toBe(200);
  return (await response.json()) as { items: Entry[]; nextCursor: string | null };
}

describe("reading the audit log", () => {
  it("pages newest first by keyset, every entry once, ties broken by id", async () => {
    const seen: Entry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const next = await page(`/api/v1/audit?entityType=guest&limit=2${query}`);
      seen.push(...next.items);
      cursor = next.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen.map((entry) => entry.entityId)).toEqual([
      "guest-9",
      "guest-5",
      "guest-4",
      "guest-3",
      "guest-2",
      "guest-1",
      "guest-0",
    ]);
  });

  it("shows who acted, with their name and e-mail, and what changed", async () => {
    const { items } = await page("/api/v1/audit?entityId=guest-2");
    expect(items).toEqual([
      expect.objectContaining({
        actor: {
          kind: "staff",
          staffId: world.staff.manager.id,
          name: "manager person",
          email: world.staff.manager.email,
        },
        action: "points.adjust",
        reason: "routine 2",
        ip: "203.0.113.7",
        userAgent: "Mozilla/5.0",
        changes: { points: 20 },
      }),
    ]);
    const system = await page("/api/v1/audit?action=level.reevaluated");
    expect(system.items[0]?.actor).toEqual({ kind: "system", staffId: null, name: null, email: null });
  });

  it("searches the reason, the actor's name and the entity id, and filters by actor and time", async () => {
    const ids = async (query: string) => (await page(`/api/v1/audit?${query}`)).items.map((entry) => entry.entityId);
    expect(await ids(`q=${encodeURIComponent("компенсация")}`)).toEqual(["guest-3"]);
    expect(await ids("q=MANAGER%20PERSON&limit=3")).toEqual(["guest-5", "guest-4", "guest-3"]);
    expect(await ids("q=guest-9")).toEqual(["guest-9"]);
    // % is a character to look for, not a wildcard
    expect(await ids("q=%25")).toEqual([]);
    expect(
      await ids(`actorStaffId=${world.staff.manager.id}&from=2026-01-10T12:01:00Z&to=2026-01-10T12:02:00Z`),
    ).toEqual(["guest-3", "guest-2"]);
  });

  it("refuses a cursor it did not give out", async () => {
    const response = await get(world, "admin", "/api/v1/audit?cursor=bm9wZQ");
    expect(response.status).toBe(422);
    expect(((await response.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("cursor");
  });

  it("is for owners and admins only", async () => {
    expect((await get(world, "owner", "/api/v1/audit")).status).toBe(200);
    expect((await get(world, "manager", "/api/v1/audit")).status).toBe(403);
    expect((await get(world, "cashier", "/api/v1/audit")).status).toBe(403);
    expect((await get(world, "manager", "/api/v1/audit/export.csv")).status).toBe(403);
    expect((await get(world, "cashier", "/api/v1/audit/export.csv")).status).toBe(403);
  });

  it("never shows another business's entries", async () => {
    const mine = await page("/api/v1/audit?q=routine&limit=200");
    expect(mine.items.map((entry) => entry.entityId)).not.toContain("their-guest");
    const theirs = await page("/api/v1/audit?q=routine", other);
    expect(theirs.items.map((entry) => entry.entityId)).toEqual(["their-guest"]);
  });
});

describe("exporting the audit log", () => {
  it("writes UTF-8 CSV with a byte order mark, quoted fields, and records the export", async () => {
    const response = await get(world, "owner", "/api/v1/audit/export.csv?entityType=guest");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.headers.get("x-export-rows")).toBe("7");
    expect(response.headers.get("x-export-truncated")).toBe("false");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const lines = text.slice(1).split("\r\n");
    expect(lines[0]).toBe(
      "id,created_at,actor_kind,actor_staff_id,actor_name,actor_email,action,entity_type,entity_id,reason,ip,user_agent,changes",
    );
    expect(lines.length).toBe(1 + 7 + 1);
    const guest3 = lines.find((line) => line.includes(",guest-3,"));
    expect(guest3).toContain(`,"Компенсация, ""извинение""\nза ожидание",203.0.113.7,Mozilla/5.0,"{""points"":30}"`);
    expect(guest3).toContain(
      `,staff,${world.staff.manager.id},manager person,${world.staff.manager.email},points.adjust,`,
    );

    const exported = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findFirstOrThrow({ where: { tenantId: world.tenantId, action: "audit.exported" } }),
    );
    expect(exported).toMatchObject({
      actorStaffId: world.staff.owner.id,
      entityType: "audit_log",
      changes: { filter: { entityType: "guest" }, rows: 7, truncated: false },
    });
  });

  it("separates with semicolons when asked, for Excel in a Russian locale", async () => {
    const response = await get(world, "owner", "/api/v1/audit/export.csv?entityId=guest-3&delimiter=semicolon");
    const lines = (await response.text()).replace(UTF8_BOM, "").split("\r\n");
    expect(lines[0]?.startsWith("id;created_at;actor_kind;")).toBe(true);
    expect(lines[1]).toContain(';"Компенсация, ""извинение""\nза ожидание";');
  });

  it("stops at the cap and says so", async () => {
    const engine = createEngineDeps({ db: test.db, redis: test.redis });
    const exported = await exportAuditLog(engine, {
      tenantId: world.tenantId,
      actor: { source: "admin", staffId: world.staff.owner.id },
      filter: { entityType: "guest" },
      maxRows: 3,
    });
    expect(exported).toMatchObject({ rows: 3, truncated: true, maxRows: 3 });
    const rows = [];
    for await (const chunk of exported.pages) rows.push(...chunk);
    expect(rows.map((entry) => entry.entityId)).toEqual(["guest-9", "guest-5", "guest-4"]);
  });
});
