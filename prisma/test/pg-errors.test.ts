import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../src/client.ts";
import { isUniqueViolation } from "../src/pg-errors.ts";
import { createTestTenant, testServices } from "../src/testing/index.ts";

const db = createDb({ url: testServices().appUrl });
afterAll(() => db.close());

describe("isUniqueViolation", () => {
  it("recognises a duplicate from Prisma and from raw SQL, by constraint", async () => {
    const tenant = await createTestTenant(db);
    const viaPrisma = await db
      .withTenant(tenant.id, (tx) =>
        tx.tenant.create({ data: { id: tenant.id, slug: `${tenant.slug}-x`, name: "dup" } }),
      )
      .catch((error: unknown) => error);
    const viaSql = await db
      .withTenantClient(tenant.id, (client) =>
        client.query("INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'dup')", [tenant.id, `${tenant.slug}-y`]),
      )
      .catch((error: unknown) => error);
    for (const error of [viaPrisma, viaSql]) {
      expect(isUniqueViolation(error)).toBe(true);
      expect(isUniqueViolation(error, "tenants_pkey")).toBe(true);
      expect(isUniqueViolation(error, "tenants_slug_key")).toBe(false);
    }
    expect(isUniqueViolation(new Error("other"))).toBe(false);
  });
});
