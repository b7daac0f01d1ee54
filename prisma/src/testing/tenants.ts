import { uuidv7 } from "uuidv7";
import type { Db } from "../client.ts";

export interface TestTenant {
  id: string;
  slug: string;
}

/** A fresh tenant with a unique slug, created through the application role. */
export async function createTestTenant(db: Db, name = "Test tenant"): Promise<TestTenant> {
  const id = uuidv7();
  const slug = `t-${id.slice(-12)}`;
  await db.withTenant(id, (tx) => tx.tenant.create({ data: { id, slug, name } }));
  return { id, slug };
}
