// Guest imports in the workers: rows in chunks with progress, per-row errors, existing guests
// filled but never overwritten, and opening balances credited exactly once, whether the job runs
// twice, dies halfway and is retried, or the same file is imported again.
import { randomUUID } from "node:crypto";
import { type GuestImportView, guestImportView, queueGuestImport, runGuestImport } from "@maxl/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestImportStarter, importGuests, importJobId } from "../src/imports/import-guests.ts";
import { queueNames } from "../src/queues.ts";
import {
  createLoyaltyTenant,
  createTestWorld,
  jobDepsOf,
  type LoyaltyTenant,
  runtimeWith,
  settled,
  type TestWorld,
} from "./support.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(() => world.close());

interface ImportTenant extends LoyaltyTenant {
  staffId: string;
  upload(csv: string, fileName?: string): Promise<string>;
  guestByPhone(phone: string): Promise<{
    id: string;
    firstName: string | null;
    lastName: string | null;
    birthday: Date | null;
    balance: number;
    levelId: string | null;
  } | null>;
  importCredits(guestId: string): Promise<{ points: number; reason: string | null; actorStaffId: string | null }[]>;
}

async function importTenant(): Promise<ImportTenant> {
  const tenant = await createLoyaltyTenant(world.db, { pointsLifetimeDays: 365 });
  const staffId = randomUUID();
  await world.db.withTenant(tenant.id, (tx) =>
    tx.staffUser.create({
      data: { tenantId: tenant.id, id: staffId, email: `${staffId}@import.test`, name: "Importer", role: "admin" },
    }),
  );
  return {
    ...tenant,
    staffId,
    async upload(csv, fileName = "guests.csv") {
      const queued = await queueGuestImport(world.engine, {
        tenantId: tenant.id,
        actor: { source: "admin", staffId },
        fileName,
        text: csv,
      });
      return queued.id;
    },
    guestByPhone(phone) {
      return world.db.withTenant(tenant.id, (tx) =>
        tx.guest.findUnique({
          where: { tenantId_phone: { tenantId: tenant.id, phone } },
          select: { id: true, firstName: true, lastName: true, birthday: true, balance: true, levelId: true },
        }),
      );
    },
    importCredits(guestId) {
      return world.db.withTenant(tenant.id, (tx) =>
        tx.ledgerEntry.findMany({
          where: { guestId, reason: "import" },
          select: { points: true, reason: true, actorStaffId: true },
        }),
      );
    },
  };
}

/** A paid plan, as the billing state machine leaves it after a payment (a new tenant is on the trial). */
async function putOnPlan(tenant: ImportTenant, planId: string): Promise<void> {
  const now = Date.now();
  await world.db.withTenant(tenant.id, (tx) =>
    tx.subscription.create({
      data: {
        tenantId: tenant.id,
        planId,
        status: "active",
        currentPeriodStart: new Date(now - 86_400_000),
        currentPeriodEnd: new Date(now + 29 * 86_400_000),
      },
    }),
  );
}

const run = (tenant: ImportTenant, importId: string, options: Parameters<typeof runGuestImport>[2] = {}) =>
  runGuestImport(world.engine, { tenantId: tenant.id, importId }, options);

describe("a guest import", () => {
  it("creates new guests at the base level with their opening balance, and reports each bad row", async () => {
    const tenant = await importTenant();
    // An existing guest who told the bot their first name themselves.
    const existing = await tenant.newGuest();
    await world.db.withTenant(tenant.id, (tx) =>
      tx.guest.update({
        where: { tenantId_id: { tenantId: tenant.id, id: existing } },
        data: { phone: "+79990000005", firstName: "Саша", lastName: null },
      }),
    );
    const csv = [
      "Телефон;Имя;Фамилия;Дата рождения;Баланс;Комментарий",
      "8 (999) 000-00-01;Анна;Иванова;21.03.1990;150;постоянная",
      "+7 999 000 00 02;Ivan;;1985-12-01;;",
      "12345;Bad;Phone;;;",
      "89990000001;Анна;Дубль;;50;",
      "79990000005;Александр;Петров;1980-02-29;40;",
      "+79990000006;Olga;;31.02.1990;abc;",
      ";Nobody;;;;",
    ].join("\r\n");
    const importId = await tenant.upload(csv);
    const view = await run(tenant, importId);

    expect(view).toMatchObject({
      status: "done",
      totalRows: 7,
      processedRows: 7,
      createdRows: 2,
      updatedRows: 1,
      failedRows: 4,
      errorsTruncated: false,
    });
    expect(view.finishedAt).not.toBeNull();
    expect(view.errors).toEqual([
      { row: 4, field: "phone", message: '"12345" is not a phone number' },
      { row: 5, field: "phone", message: "the same phone as row 2" },
      { row: 7, field: "birthday", message: "is not a date in the calendar" },
      { row: 7, field: "balance", message: "must be a whole number of points, 0 or more" },
      { row: 8, field: "phone", message: "is empty" },
    ]);

    const anna = await tenant.guestByPhone("+79990000001");
    expect(anna).toMatchObject({
      firstName: "Анна",
      lastName: "Иванова",
      birthday: new Date("1990-03-21T00:00:00Z"),
      balance: 150,
      levelId: tenant.bronzeLevelId,
    });
    expect(await tenant.importCredits(anna?.id ?? "")).toEqual([
      { points: 150, reason: "import", actorStaffId: tenant.staffId },
    ]);
    expect(await tenant.guestByPhone("+79990000002")).toMatchObject({ firstName: "Ivan", lastName: null, balance: 0 });
    expect(await tenant.guestByPhone("+79990000006")).toBeNull();
    // The existing guest keeps the name they gave; what they lacked is filled in.
    expect(await tenant.guestByPhone("+79990000005")).toMatchObject({
      id: existing,
      firstName: "Саша",
      lastName: "Петров",
      birthday: new Date("1980-02-29T00:00:00Z"),
      balance: 40,
    });
  });

  it("ends failed, with the reason, when the file cannot be read at all", async () => {
    const tenant = await importTenant();
    const importId = await tenant.upload("phone\n+79990000001\n");
    // The stored file damaged after upload (the API refuses such a file up front).
    await world.db.withTenant(tenant.id, (tx) =>
      tx.guestImport.update({
        where: { tenantId_id: { tenantId: tenant.id, id: importId } },
        data: { source: "name\nAnna\n" },
      }),
    );
    const view = await run(tenant, importId);
    expect(view).toMatchObject({ status: "failed", processedRows: 0, createdRows: 0 });
    expect(view.errors).toEqual([{ row: null, field: null, message: expect.stringMatching(/no phone column/) }]);
  });
});

describe("opening balances", () => {
  const file = ["phone,first_name,balance", "+79991000001,A,100", "+79991000002,B,0", "+79991000003,C,300"];

  it("are credited once when the job runs again after it finished", async () => {
    const tenant = await importTenant();
    const importId = await tenant.upload(file.join("\n"));
    const first = await run(tenant, importId);
    const second = await run(tenant, importId);
    expect(second).toEqual(first);
    for (const [phone, balance] of [
      ["+79991000001", 100],
      ["+79991000003", 300],
    ] as const) {
      const guest = await tenant.guestByPhone(phone);
      expect(guest?.balance).toBe(balance);
      expect(await tenant.importCredits(guest?.id ?? "")).toHaveLength(1);
    }
  });

  it("are credited once when a run dies after committing a chunk and the retry resumes it", async () => {
    const tenant = await importTenant();
    const importId = await tenant.upload([...file, "+79991000004,D,400", "+79991000005,E,500"].join("\n"));
    // Dies right after the first chunk (two rows) committed, before its balances were credited.
    await expect(
      run(tenant, importId, {
        chunkRows: 2,
        afterChunk: () => {
          throw new Error("worker killed");
        },
      }),
    ).rejects.toThrow("worker killed");
    const halfway = await guestImportView(world.engine, tenant.id, importId);
    expect(halfway).toMatchObject({ status: "running", processedRows: 2, createdRows: 2 });
    expect((await tenant.guestByPhone("+79991000001"))?.balance).toBe(0);

    const resumed = await run(tenant, importId, { chunkRows: 2 });
    expect(resumed).toMatchObject({ status: "done", processedRows: 5, createdRows: 5, updatedRows: 0, failedRows: 0 });
    const balances = await Promise.all(
      ["+79991000001", "+79991000002", "+79991000003", "+79991000004", "+79991000005"].map(
        async (phone) => (await tenant.guestByPhone(phone))?.balance,
      ),
    );
    expect(balances).toEqual([100, 0, 300, 400, 500]);
    const credits = await Promise.all(
      ["+79991000001", "+79991000004"].map(async (phone) =>
        tenant.importCredits((await tenant.guestByPhone(phone))?.id ?? ""),
      ),
    );
    expect(credits.map((entries) => entries.length)).toEqual([1, 1]);
  });

  it("are not credited again when the same file is imported a second time", async () => {
    const tenant = await importTenant();
    await run(tenant, await tenant.upload(file.join("\n")));
    const again = await run(tenant, await tenant.upload(file.join("\n"), "guests-again.csv"));
    expect(again).toMatchObject({ status: "done", createdRows: 0, updatedRows: 3, failedRows: 0 });
    expect((await tenant.guestByPhone("+79991000003"))?.balance).toBe(300);
  });
});

describe("a large import", () => {
  it("goes in chunks, each visible to the admin view as it commits, and ends with the right counts", async () => {
    const tenant = await importTenant();
    await putOnPlan(tenant, "business");
    const rows = Array.from({ length: 2_000 }, (_, n) => {
      const phone = `+7998${String(n).padStart(7, "0")}`;
      if (n % 500 === 7) return `not-a-phone,Bad ${n},`;
      return `${phone},Guest ${n},${n % 10 === 0 ? 10 : ""}`;
    });
    const importId = await tenant.upload(["phone,first_name,balance", ...rows].join("\n"));
    const seen: GuestImportView[] = [];
    const view = await run(tenant, importId, {
      afterChunk: async () => {
        seen.push(await guestImportView(world.engine, tenant.id, importId));
      },
    });
    expect(seen.map((progress) => [progress.status, progress.processedRows, progress.failedRows])).toEqual([
      ["running", 500, 1],
      ["running", 1_000, 2],
      ["running", 1_500, 3],
      ["running", 2_000, 4],
    ]);
    expect(view).toMatchObject({ status: "done", totalRows: 2_000, createdRows: 1_996, failedRows: 4 });
    expect(view.errors.map((error) => error.row)).toEqual([9, 509, 1_009, 1_509]);
    const credited = await world.db.withTenant(tenant.id, (tx) =>
      tx.ledgerEntry.aggregate({ where: { reason: "import" }, _count: true, _sum: { points: true } }),
    );
    expect(credited).toMatchObject({ _count: 200, _sum: { points: 2_000 } });
  });
});

describe("an import beyond the plan", () => {
  it("creates guests up to the plan's limit, fails the rest with the plan's message and still fills existing guests", async () => {
    const tenant = await importTenant();
    // The trial allows 500 guests; 498 joined through the bot, one of them with a phone in the file.
    const joined = await Promise.all(Array.from({ length: 498 }, () => tenant.newGuest()));
    await world.db.withTenant(tenant.id, (tx) =>
      tx.guest.update({
        where: { tenantId_id: { tenantId: tenant.id, id: joined[0] ?? "" } },
        data: { phone: "+79996000000", firstName: null },
      }),
    );
    const rows = Array.from({ length: 5 }, (_, n) => `+7999600000${n},Guest ${n},10`);
    const view = await run(tenant, await tenant.upload(["phone,first_name,balance", ...rows].join("\n")));
    expect(view).toMatchObject({ status: "done", createdRows: 2, updatedRows: 1, failedRows: 2 });
    expect(view.errors).toEqual(
      [5, 6].map((row) => ({
        row,
        field: null,
        message:
          "The Trial plan allows 500 guests and 500 are in use. Upgrade the plan on the billing page to add more.",
      })),
    );
    expect((await tenant.guestByPhone("+79996000000"))?.firstName).toBe("Guest 0");
    expect(await tenant.guestByPhone("+79996000004")).toBeNull();
    expect((await tenant.guestByPhone("+79996000002"))?.balance).toBe(10);
  });
});

describe("the imports queue", () => {
  it("runs an import announced by the outbox event once, however often the event arrives", async () => {
    const tenant = await importTenant();
    const importId = await tenant.upload("phone,balance\n+79997000001,25\n");
    const runtime = runtimeWith(world, [importGuests]);
    const deps = jobDepsOf(world, runtime);
    const event = {
      tenantId: tenant.id,
      eventId: "1",
      type: "guest_import.queued",
      payload: { importId },
      createdAt: new Date().toISOString(),
    };
    try {
      await guestImportStarter().handle(event, deps);
      await guestImportStarter().handle(event, deps);
      const queued = await runtime.queue(queueNames.imports).getJobs(["waiting"]);
      expect(queued.map((job) => job.id)).toEqual([importJobId(importId)]);
      await runtime.start();
      const job = await runtime.queue(queueNames.imports).getJob(importJobId(importId));
      if (!job) throw new Error("the import job is gone");
      expect(await settled(job)).toBe("completed");
      expect(await guestImportView(world.engine, tenant.id, importId)).toMatchObject({
        status: "done",
        createdRows: 1,
      });
      expect((await tenant.guestByPhone("+79997000001"))?.balance).toBe(25);
    } finally {
      await runtime.close();
    }
  });

  it("refuses to queue a payload that is not an import", async () => {
    const runtime = runtimeWith(world, [importGuests]);
    try {
      await expect(runtime.enqueue(importGuests.name, { tenantId: "nope", importId: randomUUID() })).rejects.toThrow();
    } finally {
      await runtime.close();
    }
  });
});
