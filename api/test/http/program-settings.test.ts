// The program settings page: reading the program, previewing an edit, saving it against the
// version read, and guests' levels following new thresholds.
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineDeps } from "../../src/core/context.ts";
import { reevaluateLevels } from "../../src/core/loyalty/reevaluate-levels.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, type World } from "./world.ts";

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp();
});
afterAll(() => test.close());

const DAY = 86_400_000;

interface ProgramBody {
  version: number;
  earnRateBps: number;
  pointsLifetimeDays: number | null;
  expiryReminderDays: number;
  levels: {
    id?: string;
    name: string;
    rank?: number;
    thresholdMinor: string | number;
    earnRateBps: number;
    guests?: number;
  }[];
  [key: string]: unknown;
}

async function call(
  world: World,
  role: "owner" | "admin" | "manager" | "cashier",
  method: string,
  path: string,
  body?: unknown,
) {
  const token = await world.tokenFor(role);
  return test.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "User-Agent": "settings-test" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function readProgram(world: World): Promise<ProgramBody> {
  const response = await call(world, "owner", "GET", "/api/v1/program");
  expect(response.status).toBe(200);
  return (await response.json()) as ProgramBody;
}

/** A guest on `levelId` whose checks within the level window add up to `spendMinor`. */
async function guestWithSpend(world: World, spendMinor: bigint, levelId: string | null): Promise<string> {
  const guestId = uuidv7();
  await test.db.withTenant(world.tenantId, async (tx) => {
    await tx.guest.create({ data: { tenantId: world.tenantId, id: guestId, levelId } });
    if (spendMinor > 0n) {
      await tx.check.create({
        data: {
          tenantId: world.tenantId,
          kind: "sale",
          source: "cashier",
          guestId,
          restaurantId: world.restaurantId,
          amountMinor: spendMinor,
          paidMinor: spendMinor,
          currency: "RUB",
          closedAt: new Date(Date.now() - 10 * DAY),
        },
      });
    }
  });
  return guestId;
}

async function levelOf(world: World, guestId: string) {
  return test.db.withTenant(world.tenantId, (tx) =>
    tx.guest.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: world.tenantId, id: guestId } },
      select: { levelId: true, levelDowngradeDueAt: true },
    }),
  );
}

/** The document as read, with the levels as an editor sends them back. */
function editable(program: ProgramBody): ProgramBody {
  const { updatedAt: _updatedAt, ...rest } = program;
  return { ...rest, levels: program.levels.map(({ guests: _guests, rank: _rank, ...level }) => level) };
}

describe("reading the program", () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(test);
  });

  it("shows every setting, the levels in rank order with their guests, and the version", async () => {
    const bronze = await test.db.withTenant(world.tenantId, (tx) =>
      tx.level.findFirstOrThrow({ where: { tenantId: world.tenantId, rank: 0 } }),
    );
    await guestWithSpend(world, 0n, bronze.id);
    const program = await readProgram(world);
    expect(program).toMatchObject({
      earnRateBps: 500,
      maxRedeemShareBps: 3000,
      roundingMode: "floor",
      pointValueMinor: 100,
      pointsLifetimeDays: 365,
      expiryReminderDays: 7,
      welcomeBonusPoints: 0,
      birthdayBonusPoints: 0,
      birthdayDaysBefore: 3,
      birthdayDaysAfter: 3,
      minCheckMinor: "0",
      levelWindowDays: 365,
      levelDowngradeGraceDays: 30,
      levels: [
        { name: "Bronze", rank: 0, thresholdMinor: "0", earnRateBps: 500, guests: 1 },
        { name: "Silver", rank: 1, thresholdMinor: "1000000", earnRateBps: 700, guests: 0 },
      ],
    });
    expect(program.version).toBeGreaterThan(0);
  });

  it("lets a manager read it and refuses a cashier", async () => {
    expect((await call(world, "manager", "GET", "/api/v1/program")).status).toBe(200);
    expect((await call(world, "cashier", "GET", "/api/v1/program")).status).toBe(403);
  });

  it("refuses a manager's save and preview: only owners and admins change the program", async () => {
    const body = editable(await readProgram(world));
    expect((await call(world, "manager", "PUT", "/api/v1/program", body)).status).toBe(403);
    expect((await call(world, "manager", "POST", "/api/v1/program/preview", body)).status).toBe(403);
    expect((await call(world, "cashier", "PUT", "/api/v1/program", body)).status).toBe(403);
  });
});

describe("validating an edit", () => {
  let world: World;
  let program: ProgramBody;
  beforeAll(async () => {
    world = await buildWorld(test);
    program = editable(await readProgram(world));
  });

  async function refusal(body: unknown) {
    const response = await call(world, "admin", "PUT", "/api/v1/program", body);
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await response.json()) as { code: string; errors: { path: string; message: string }[] };
    expect(problem.code).toBe("VALIDATION");
    return problem.errors.map((error) => error.path);
  }

  it("names each bad level field by its place in the list", async () => {
    const [bronze, silver] = program.levels;
    const paths = await refusal({
      ...program,
      levels: [
        { ...bronze, thresholdMinor: 100 },
        { ...silver, earnRateBps: 20_000 },
        { name: "silver", thresholdMinor: "500", earnRateBps: 900 },
      ],
    });
    expect(paths).toEqual(
      expect.arrayContaining([
        "levels.0.thresholdMinor",
        "levels.1.earnRateBps",
        "levels.2.thresholdMinor",
        "levels.2.name",
      ]),
    );
  });

  it("refuses day ranges that make no sense", async () => {
    const paths = await refusal({
      ...program,
      pointsLifetimeDays: 5,
      expiryReminderDays: 7,
      levelWindowDays: 0,
      birthdayDaysBefore: 40,
    });
    expect(paths).toEqual(expect.arrayContaining(["expiryReminderDays", "levelWindowDays", "birthdayDaysBefore"]));
  });

  it("refuses a level id that is not one of the program's", async () => {
    const paths = await refusal({
      ...program,
      levels: [program.levels[0], { ...program.levels[1], id: uuidv7() }],
    });
    expect(paths).toEqual(["levels.1.id"]);
  });

  it("changes nothing when refused", async () => {
    expect((await readProgram(world)).version).toBe(program.version);
  });
});

describe("previewing and saving new thresholds", () => {
  let world: World;
  let program: ProgramBody;
  let silverId: string;
  let bronzeId: string;
  const guests: Record<string, string> = {};
  let proposal: ProgramBody;

  beforeAll(async () => {
    world = await buildWorld(test);
    program = editable(await readProgram(world));
    bronzeId = program.levels[0]?.id ?? "";
    silverId = program.levels[1]?.id ?? "";
    guests.small = await guestWithSpend(world, 500_000n, bronzeId);
    guests.justSilver = await guestWithSpend(world, 1_100_000n, silverId);
    guests.bigSilver = await guestWithSpend(world, 1_600_000n, silverId);
    guests.newcomer = await guestWithSpend(world, 0n, bronzeId);
    // Silver gets dearer, and a Gold level appears above it.
    proposal = {
      ...program,
      levels: [
        { ...(program.levels[0] as ProgramBody["levels"][number]) },
        { ...(program.levels[1] as ProgramBody["levels"][number]), thresholdMinor: "1200000" },
        { name: "Gold", thresholdMinor: "1500000", earnRateBps: 1000 },
      ],
    };
  });

  it("previews the changed fields, who would move when, and example spends, without writing", async () => {
    const { version: _version, ...body } = proposal;
    const response = await call(world, "admin", "POST", "/api/v1/program/preview", body);
    expect(response.status).toBe(200);
    const preview = (await response.json()) as Record<string, unknown[]>;
    expect(preview.changes).toEqual([
      {
        field: "levels.thresholdMinor",
        level: { id: silverId, name: "Silver" },
        from: "1000000",
        to: "1200000",
      },
      {
        field: "levels",
        level: { id: null, name: "Gold" },
        from: null,
        to: { name: "Gold", rank: 2, thresholdMinor: "1500000", earnRateBps: 1000 },
      },
    ]);
    expect(preview.levelMoves).toEqual(
      expect.arrayContaining([
        { fromLevel: { id: silverId, name: "Silver" }, toLevel: { id: null, name: "Gold" }, guests: 1, when: "now" },
        {
          fromLevel: { id: silverId, name: "Silver" },
          toLevel: { id: bronzeId, name: "Bronze" },
          guests: 1,
          when: "after_grace",
        },
      ]),
    );
    expect(preview.levelMoves).toHaveLength(2);
    expect(preview.examples).toEqual([
      { spentMinor: "1000000", fromLevel: { id: silverId, name: "Silver" }, toLevel: { id: bronzeId, name: "Bronze" } },
      { spentMinor: "1199900", fromLevel: { id: silverId, name: "Silver" }, toLevel: { id: bronzeId, name: "Bronze" } },
      { spentMinor: "1500000", fromLevel: { id: silverId, name: "Silver" }, toLevel: { id: null, name: "Gold" } },
    ]);
    expect((await readProgram(world)).version).toBe(program.version);
  });

  it("saves against the version read, audits the diff and announces the level change", async () => {
    const response = await call(world, "admin", "PUT", "/api/v1/program", proposal);
    expect(response.status).toBe(200);
    const saved = (await response.json()) as { program: ProgramBody };
    expect(saved.program.version).toBeGreaterThan(program.version);
    expect(saved.program.levels.map((level) => [level.name, level.rank, level.thresholdMinor])).toEqual([
      ["Bronze", 0, "0"],
      ["Silver", 1, "1200000"],
      ["Gold", 2, "1500000"],
    ]);

    const [audit, events] = await test.db.withTenant(world.tenantId, async (tx) => [
      await tx.auditLogEntry.findMany({ where: { tenantId: world.tenantId, action: "program.update" } }),
      await tx.outboxEvent.findMany({ where: { tenantId: world.tenantId, type: "program.levels_changed" } }),
    ]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorKind: "staff",
      actorStaffId: world.staff.admin.id,
      entityType: "loyalty_program",
      entityId: world.tenantId,
      userAgent: "settings-test",
      changes: {
        fromVersion: program.version,
        toVersion: saved.program.version,
        diff: [
          { field: "levels.thresholdMinor", from: "1000000", to: "1200000" },
          { field: "levels", from: null, to: { name: "Gold" } },
        ],
      },
    });
    expect(events).toHaveLength(1);
  });

  it("moves guests to the new thresholds at the re-evaluation the event triggers: up at once, down after grace", async () => {
    const engine = createEngineDeps({ db: test.db, redis: test.redis });
    const run = await reevaluateLevels(engine, world.tenantId);
    expect(run).toMatchObject({ changed: 1, graceStarted: 1 });
    const program = await readProgram(world);
    const gold = program.levels.find((level) => level.name === "Gold");
    expect((await levelOf(world, guests.bigSilver ?? "")).levelId).toBe(gold?.id);
    const justSilver = await levelOf(world, guests.justSilver ?? "");
    expect(justSilver.levelId).toBe(silverId);
    expect(justSilver.levelDowngradeDueAt).not.toBeNull();
    expect((await levelOf(world, guests.small ?? "")).levelId).toBe(bronzeId);
    expect(program.levels.map((level) => level.guests)).toEqual([2, 1, 1]);
  });

  it("refuses a save over a newer version: someone else changed the program", async () => {
    const response = await call(world, "owner", "PUT", "/api/v1/program", { ...proposal, earnRateBps: 900 });
    expect(response.status).toBe(409);
    const problem = (await response.json()) as { detail: string; currentVersion: number };
    expect(problem.detail).toMatch(/changed by someone else.*reload/);
    expect(problem.currentVersion).toBeGreaterThan(proposal.version);
  });

  it("refuses to remove a level while guests are on it, naming the level and how many", async () => {
    const current = editable(await readProgram(world));
    const response = await call(world, "owner", "PUT", "/api/v1/program", {
      ...current,
      levels: current.levels.slice(0, 2),
    });
    expect(response.status).toBe(409);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toBe(
      'The level "Gold" cannot be removed: 1 guest is on it. Keep the level, or lower its threshold instead.',
    );
    expect((await readProgram(world)).levels).toHaveLength(3);
  });

  it("inserts a level between others and removes an empty one in one save", async () => {
    const current = editable(await readProgram(world));
    const [bronze, silver, gold] = current.levels;
    const middle = { name: "Копилка", thresholdMinor: 600_000, earnRateBps: 600 };
    const inserted = await call(world, "owner", "PUT", "/api/v1/program", {
      ...current,
      levels: [bronze, middle, silver, gold],
    });
    expect(inserted.status).toBe(200);
    const afterInsert = editable(((await inserted.json()) as { program: ProgramBody }).program);
    expect(afterInsert.levels.map((level) => level.name)).toEqual(["Bronze", "Копилка", "Silver", "Gold"]);

    const removed = await call(world, "owner", "PUT", "/api/v1/program", {
      ...afterInsert,
      levels: afterInsert.levels.filter((level) => level.name !== "Копилка"),
    });
    expect(removed.status).toBe(200);
    const final = ((await removed.json()) as { program: ProgramBody }).program;
    expect(final.levels.map((level) => [level.name, level.rank])).toEqual([
      ["Bronze", 0],
      ["Silver", 1],
      ["Gold", 2],
    ]);
  });

  it("saves settings alone without announcing a level change", async () => {
    const current = editable(await readProgram(world));
    const response = await call(world, "owner", "PUT", "/api/v1/program", { ...current, welcomeBonusPoints: 150 });
    expect(response.status).toBe(200);
    const saved = (await response.json()) as { program: ProgramBody; changes: unknown[] };
    expect(saved.changes).toEqual([{ field: "welcomeBonusPoints", from: 0, to: 150 }]);
    const events = await test.db.withTenant(world.tenantId, (tx) =>
      tx.outboxEvent.count({ where: { tenantId: world.tenantId, type: "program.levels_changed" } }),
    );
    // the Gold save, the insert and the removal; not this one
    expect(events).toBe(3);
  });
});

describe("another business", () => {
  it("neither sees nor changes this program", async () => {
    const mine = await buildWorld(test);
    const theirs = await buildWorld(test);
    const program = editable(await readProgram(mine));
    const theirProgram = await readProgram(theirs);
    expect(theirProgram.levels.map((level) => level.id)).not.toContain(program.levels[0]?.id);
    // Their admin naming my levels is naming levels that do not exist for them.
    const response = await call(theirs, "admin", "PUT", "/api/v1/program", {
      ...program,
      version: theirProgram.version,
    });
    expect(response.status).toBe(422);
    expect((await readProgram(mine)).version).toBe(program.version);
  });
});
