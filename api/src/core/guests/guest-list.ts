// The guests list of the admin view: search by name, phone or a live 6-digit code, filters, sort
// and pages, and the same filters for the CSV export. Guests belong to the whole business, not to
// a restaurant, so a manager or cashier limited to some restaurants (staff_restaurants) still
// finds every guest here; what is per restaurant (checks) is limited where it is shown.
import { formatLocalDate, localDateOf, startOfLocalDay } from "@maxl/shared";
import type pg from "pg";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";
import { peekGuestCode } from "../identification/tokens.ts";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date (the tenant's local day) or an instant with its offset. */
const dateOrInstant = z
  .string()
  .trim()
  .refine(
    (value) => (DATE.test(value) ? isCalendarDate(value) : z.iso.datetime({ offset: true }).safeParse(value).success),
    {
      message: "must be a date (YYYY-MM-DD, the business's local day) or an ISO 8601 date-time with offset",
    },
  );

const count = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int({ message: "must be a whole number" })
    .min(0, { message: "must be 0 or more" })
    .max(1_000_000_000, { message: "must be at most 1 000 000 000" });

export const guestSorts = ["lastVisit", "balance", "createdAt", "name"] as const;

/** The filters both the list and the export take. */
export const guestFiltersSchema = z.object({
  q: z.string().trim().max(100, { message: "must be at most 100 characters" }).optional(),
  levelId: z.uuid({ message: "must be a level id (uuid)" }).optional(),
  lastVisitFrom: dateOrInstant.optional(),
  lastVisitTo: dateOrInstant.optional(),
  balanceMin: count("balanceMin").optional(),
  balanceMax: count("balanceMax").optional(),
  registered: z.enum(["true", "false"], { message: "must be true or false" }).optional(),
});

function checkRanges(value: z.infer<typeof guestFiltersSchema>, context: z.RefinementCtx): void {
  if (value.balanceMin !== undefined && value.balanceMax !== undefined && value.balanceMin > value.balanceMax) {
    context.addIssue({ code: "custom", path: ["balanceMax"], message: "must not be below balanceMin" });
  }
  if (value.lastVisitFrom && value.lastVisitTo && value.lastVisitFrom > value.lastVisitTo) {
    // Dates and instants both sort as text only when they are the same kind; compare the days.
    if (value.lastVisitFrom.slice(0, 10) > value.lastVisitTo.slice(0, 10)) {
      context.addIssue({ code: "custom", path: ["lastVisitTo"], message: "must not be before lastVisitFrom" });
    }
  }
}

export const guestExportQuerySchema = guestFiltersSchema.superRefine(checkRanges);

export const guestListQuerySchema = guestFiltersSchema
  .extend({
    sort: z.enum(guestSorts, { message: `must be one of ${guestSorts.join(", ")}` }).default("createdAt"),
    order: z.enum(["asc", "desc"], { message: "must be asc or desc" }).default("desc"),
    page: z.coerce
      .number()
      .int({ message: "must be a whole number" })
      .min(1, { message: "must be 1 or more" })
      .default(1),
    pageSize: z.coerce
      .number()
      .int({ message: "must be a whole number" })
      .min(1, { message: "must be 1 or more" })
      .max(100, { message: "must be at most 100" })
      .default(25),
  })
  .superRefine(checkRanges);

export type GuestFilters = z.infer<typeof guestFiltersSchema>;
export type GuestListQuery = z.infer<typeof guestListQuerySchema>;

export const guestListItemSchema = z.object({
  id: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  /** E.164 */
  phone: z.string().nullable(),
  levelId: z.string().nullable(),
  levelName: z.string().nullable(),
  balance: z.number().int(),
  lastVisitAt: z.string().nullable(),
  registeredAt: z.string().nullable(),
  createdAt: z.string(),
  telegramLinked: z.boolean(),
});
export type GuestListItem = z.infer<typeof guestListItemSchema>;

export const guestListPageSchema = z.object({
  items: z.array(guestListItemSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type GuestListPage = z.infer<typeof guestListPageSchema>;

export interface GuestRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  level_id: string | null;
  level_name: string | null;
  balance: number;
  last_visit_at: Date | null;
  registered_at: Date | null;
  created_at: Date;
  telegram_linked: boolean;
}

export const guestColumns = `g.id, g.first_name, g.last_name, g.phone, g.level_id, l.name AS level_name, g.balance,
  g.last_visit_at, g.registered_at, g.created_at, g.telegram_user_id IS NOT NULL AS telegram_linked`;

export const guestFrom = `FROM guests g LEFT JOIN levels l ON l.tenant_id = g.tenant_id AND l.id = g.level_id`;

/** A WHERE clause with its parameters, numbered from $1. */
export interface Condition {
  sql: string;
  params: unknown[];
}

/**
 * The WHERE of a filtered guest query. Reads the tenant's time zone (for calendar dates) and,
 * for a 6-digit query, which guest holds that code right now; the code is only looked at, not
 * used up, so searching for it does not spoil it for the till.
 */
export async function guestConditions(
  deps: EngineDeps,
  client: pg.PoolClient,
  tenantId: string,
  filters: GuestFilters,
): Promise<Condition> {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ["g.tenant_id = app_current_tenant()"];
  if (filters.levelId) where.push(`g.level_id = ${param(filters.levelId)}::uuid`);
  if (filters.balanceMin !== undefined) where.push(`g.balance >= ${param(filters.balanceMin)}`);
  if (filters.balanceMax !== undefined) where.push(`g.balance <= ${param(filters.balanceMax)}`);
  if (filters.registered) where.push(`g.registered_at IS ${filters.registered === "true" ? "NOT NULL" : "NULL"}`);
  if (filters.lastVisitFrom || filters.lastVisitTo) {
    const { rows } = await client.query<{ time_zone: string }>(
      "SELECT time_zone FROM tenants WHERE id = app_current_tenant()",
    );
    const timeZone = rows[0]?.time_zone ?? "Europe/Moscow";
    if (filters.lastVisitFrom) {
      where.push(`g.last_visit_at >= ${param(boundary(filters.lastVisitFrom, timeZone, "start"))}`);
    }
    if (filters.lastVisitTo) {
      where.push(`g.last_visit_at < ${param(boundary(filters.lastVisitTo, timeZone, "end"))}`);
    }
  }
  const q = filters.q?.replace(/\s+/g, " ").trim();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const p = param(pattern);
    // both orders: "Анна Иванова" and "Иванова Анна" find the same guest
    const any = [
      `concat_ws(' ', g.first_name, g.last_name) ILIKE ${p}`,
      `concat_ws(' ', g.last_name, g.first_name) ILIKE ${p}`,
    ];
    const digits = q.replace(/\D/g, "");
    if (digits.length >= 3 && !/\p{L}/u.test(q)) {
      any.push(`g.phone LIKE ${param(`%${digits}%`)}`);
      // "8 999 12..." is how Russians write +7 999 12...
      if (digits.startsWith("8") && !q.startsWith("+")) any.push(`g.phone LIKE ${param(`+7${digits.slice(1)}%`)}`);
    }
    if (/^\d{6}$/.test(q)) {
      const guestId = await peekGuestCode(deps, tenantId, q);
      if (guestId) any.push(`g.id = ${param(guestId)}::uuid`);
    }
    where.push(`(${any.join(" OR ")})`);
  }
  return { sql: where.join(" AND "), params };
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** A date is the tenant's local day: from its first instant, up to (not including) the next day's. */
function boundary(value: string, timeZone: string, side: "start" | "end"): Date {
  if (!DATE.test(value)) {
    const instant = new Date(value);
    return side === "start" ? instant : new Date(instant.getTime() + 1);
  }
  const [year = 0, month = 1, day = 1] = value.split("-").map(Number);
  return startOfLocalDay({ year, month, day: side === "start" ? day : day + 1 }, timeZone);
}

const orderBy: Record<GuestListQuery["sort"], (direction: string) => string> = {
  lastVisit: (d) => `g.last_visit_at ${d} NULLS LAST, g.id ${d}`,
  balance: (d) => `g.balance ${d}, g.id ${d}`,
  createdAt: (d) => `g.created_at ${d}, g.id ${d}`,
  name: (d) => `lower(g.first_name) ${d} NULLS LAST, lower(g.last_name) ${d} NULLS LAST, g.id ${d}`,
};

export function toListItem(row: GuestRow): GuestListItem {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    levelId: row.level_id,
    levelName: row.level_name,
    balance: row.balance,
    lastVisitAt: row.last_visit_at?.toISOString() ?? null,
    registeredAt: row.registered_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    telegramLinked: row.telegram_linked,
  };
}

export async function listGuests(deps: EngineDeps, tenantId: string, query: GuestListQuery): Promise<GuestListPage> {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const where = await guestConditions(deps, client, tenantId, query);
    const n = where.params.length;
    const page = await client.query<GuestRow>(
      `SELECT ${guestColumns} ${guestFrom} WHERE ${where.sql}
        ORDER BY ${orderBy[query.sort](query.order === "asc" ? "ASC" : "DESC")}
        LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...where.params, query.pageSize, (query.page - 1) * query.pageSize],
    );
    const total = await client.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM guests g WHERE ${where.sql}`,
      where.params,
    );
    return {
      items: page.rows.map(toListItem),
      total: total.rows[0]?.total ?? 0,
      page: query.page,
      pageSize: query.pageSize,
    };
  });
}

/** "2026-11-21", the tenant's local date of an instant (for file names). */
export function localDay(at: Date, timeZone: string): string {
  return formatLocalDate(localDateOf(at, timeZone));
}
