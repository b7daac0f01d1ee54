// Every points-moving verb runs under an idempotency key, unique per tenant in
// loyalty_operations. A retry with the same key and the same request gets the first result back
// and changes nothing; the same key with a different request is refused.
//
// The stored answer is looked up after the guest's row is locked: a retry that raced the first
// request waits for it on that lock and then finds its result, instead of being judged against
// the balance the first request already changed. Keys reused across guests meet at the unique
// index instead, and are answered the same way.
import { createHash } from "node:crypto";
import { type Db, isTransientConflict, isUniqueViolation } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import type { EngineDeps } from "../context.ts";
import { type GuestState, lockGuestAndFind } from "./guest-state.ts";

export interface Outcome<T> {
  result: T;
  /** true when this is the stored answer to an earlier request with the same key */
  replayed: boolean;
}

/** A stable fingerprint of a request: keys sorted, bigints and dates as strings. */
export function requestHash(request: unknown): string {
  return createHash("sha256").update(stableJson(request)).digest("hex");
}

function stableJson(value: unknown): string {
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

interface StoredOperation {
  request_hash: string;
  result: unknown;
}

// Where a verb keeps its answers: points operations, or the quotes (holds) of the till.
const stores = {
  operations: {
    find: "SELECT request_hash, result FROM loyalty_operations WHERE tenant_id = app_current_tenant() AND idempotency_key = $1",
    constraint: "loyalty_operations_tenant_id_idempotency_key_key",
  },
  holds: {
    find: "SELECT request_hash, result FROM redemption_holds WHERE tenant_id = app_current_tenant() AND idempotency_key = $1",
    constraint: "redemption_holds_tenant_id_idempotency_key_key",
  },
} as const;

export type AnswerStore = keyof typeof stores;

async function findStored(client: pg.PoolClient, store: AnswerStore, key: string): Promise<StoredOperation | null> {
  const { rows } = await client.query<StoredOperation>(stores[store].find, [key]);
  return rows[0] ?? null;
}

function replay<T>(stored: StoredOperation, hash: string): Outcome<T> {
  if (stored.request_hash !== hash) {
    throw new ServiceError(
      "VALIDATION",
      "This Idempotency-Key was already used for a different request. Use a new key for a new operation.",
      { key: "error-idempotency-reuse" },
    );
  }
  return { result: stored.result as T, replayed: true };
}

export interface GuestOperation<T> {
  tenantId: string;
  guestId: string;
  key: string;
  hash: string;
  at: Date;
  /** where answers are kept; points operations unless said otherwise */
  store?: AnswerStore;
  /** runs with the guest locked, when no earlier answer exists for the key */
  work(client: pg.PoolClient, state: GuestState): Promise<T>;
}

const ATTEMPTS = 3;

/** Locks the guest, answers a retry from the stored result, or does the work once. */
export async function runGuestOperation<T>(deps: EngineDeps, operation: GuestOperation<T>): Promise<Outcome<T>> {
  // A transaction PostgreSQL aborted to break a deadlock (e.g. with the monthly creation of a
  // ledger partition) wrote nothing; running it again is safe and spares the cashier an error.
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(deps, operation);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isTransientConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
    }
  }
}

async function runOnce<T>({ db, rules }: EngineDeps, operation: GuestOperation<T>): Promise<Outcome<T>> {
  const store = operation.store ?? "operations";
  try {
    return await db.withTenantClient(operation.tenantId, async (client): Promise<Outcome<T>> => {
      // Points operations find their stored answer in the locking query itself; quotes look apart.
      const locked = await lockGuestAndFind(
        client,
        rules,
        operation.tenantId,
        operation.guestId,
        operation.at,
        store === "operations" ? operation.key : null,
      );
      const stored = store === "operations" ? locked.stored : await findStored(client, store, operation.key);
      if (stored) return replay<T>(stored, operation.hash);
      const state = locked.state;
      return { result: await operation.work(client, state), replayed: false };
    });
  } catch (error) {
    if (!isUniqueViolation(error, stores[store].constraint)) throw error;
    const stored = await db.withTenantClient(operation.tenantId, (client) => findStored(client, store, operation.key));
    if (!stored) throw error;
    return replay<T>(stored, operation.hash);
  }
}

/** The stored answer for a key, if any, without locking anything (for verbs that look first). */
export async function storedOutcome<T>(
  db: Db,
  tenantId: string,
  key: string,
  hash: string,
  store: AnswerStore = "operations",
): Promise<Outcome<T> | null> {
  const stored = await db.withTenantClient(tenantId, (client) => findStored(client, store, key));
  return stored ? replay<T>(stored, hash) : null;
}
