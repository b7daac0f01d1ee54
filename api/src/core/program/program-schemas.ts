// The program document as an admin edits it: every setting of loyalty_programs and the levels,
// validated here so the HTTP answer names each bad field (the database's CHECK constraints are
// the last line, not the message). Ranges are what a restaurant could sensibly want; the
// database allows more.
import { z } from "zod";

const bps = z.number().int().min(0).max(10_000);
const points = z.number().int().min(0).max(1_000_000);
const days = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * The longest a reminder may go out before points expire. The workers' outbox purge reads it:
 * a reminder's dedupe key must outlive the window in which it could be offered again.
 */
export const EXPIRY_REMINDER_MAX_DAYS = 90;

/** Minor units, as a number or a decimal string (money is a bigint inside). */
const minorSchema = z
  .union([z.number().int(), z.string().regex(/^\d+$/, { message: "must be a whole number of minor units" })])
  .transform((value) => BigInt(value))
  .refine((value) => value >= 0n, { message: "must be 0 or more" })
  .refine((value) => value <= 100_000_000_00n, { message: "must be at most 100 000 000.00" });

export const levelInputSchema = z.object({
  /** absent: a new level */
  id: z.uuid().optional(),
  name: z.string().trim().min(1).max(50),
  thresholdMinor: minorSchema,
  earnRateBps: bps,
});

const programFields = {
  earnRateBps: bps,
  maxRedeemShareBps: bps,
  roundingMode: z.enum(["floor", "half_up", "ceil"]),
  pointValueMinor: z.number().int().min(1).max(1_000_000),
  /** null: points never expire */
  pointsLifetimeDays: days(1, 3650).nullable(),
  expiryReminderDays: days(0, EXPIRY_REMINDER_MAX_DAYS),
  welcomeBonusPoints: points,
  birthdayBonusPoints: points,
  birthdayDaysBefore: days(0, 31),
  birthdayDaysAfter: days(0, 31),
  minCheckMinor: minorSchema,
  /** null: lifetime spend counts toward levels */
  levelWindowDays: days(1, 3650).nullable(),
  levelDowngradeGraceDays: days(0, 365),
  /** in rank order: the first is the entry level; a level's rank is its position here */
  levels: z.array(levelInputSchema).max(20),
};

type ProgramShape = z.infer<z.ZodObject<typeof programFields>>;

// Rules across fields, reported at the field to fix (levels.2.thresholdMinor).
function programRules(program: ProgramShape, ctx: z.RefinementCtx): void {
  if (program.pointsLifetimeDays !== null && program.expiryReminderDays >= program.pointsLifetimeDays) {
    ctx.addIssue({
      code: "custom",
      path: ["expiryReminderDays"],
      message: "must be shorter than the points' lifetime",
    });
  }
  const first = program.levels[0];
  if (first && first.thresholdMinor !== 0n) {
    ctx.addIssue({
      code: "custom",
      path: ["levels", 0, "thresholdMinor"],
      message: "the entry level must start at 0",
    });
  }
  const names = new Map<string, number>();
  const ids = new Set<string>();
  program.levels.forEach((level, index) => {
    const previous = program.levels[index - 1];
    if (previous && level.thresholdMinor <= previous.thresholdMinor) {
      ctx.addIssue({
        code: "custom",
        path: ["levels", index, "thresholdMinor"],
        message: `must be more than the level below it (${previous.name}: ${previous.thresholdMinor})`,
      });
    }
    const name = level.name.toLocaleLowerCase("ru");
    if (names.has(name)) {
      ctx.addIssue({ code: "custom", path: ["levels", index, "name"], message: "another level has this name" });
    }
    names.set(name, index);
    if (level.id !== undefined) {
      if (ids.has(level.id)) {
        ctx.addIssue({ code: "custom", path: ["levels", index, "id"], message: "the same level is listed twice" });
      }
      ids.add(level.id);
    }
  });
}

/** The document to preview: every setting and every level, no version needed. */
export const programInputSchema = z.object(programFields).superRefine(programRules);

/** The document to save, with the version it was read at. */
export const programUpdateSchema = z
  .object({
    ...programFields,
    /** the version the editor read; a save over a newer one is refused */
    version: z.number().int().min(0),
  })
  .superRefine(programRules);

export type ProgramInput = z.output<typeof programInputSchema>;
export type ProgramUpdate = z.output<typeof programUpdateSchema>;
export type LevelInput = z.output<typeof levelInputSchema>;
