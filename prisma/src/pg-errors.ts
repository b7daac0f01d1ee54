// Database errors the application reacts to, recognised in one place, whether they come from pg
// directly (code "23505", constraint) or through Prisma's driver adapter (code "P2002", with
// the original constraint in meta.driverAdapterError.cause).

interface DatabaseError {
  code?: string;
  constraint?: string;
  meta?: { driverAdapterError?: { cause?: { originalCode?: string; constraint?: { index?: string } } } };
}

function codeAndConstraint(error: unknown): { code?: string; constraint?: string } {
  const e = error as DatabaseError | null;
  const cause = e?.meta?.driverAdapterError?.cause;
  if (cause) return { code: cause.originalCode, constraint: cause.constraint?.index };
  return { code: e?.code, constraint: e?.constraint };
}

/** 23505: a unique index refused the row (optionally: that index). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const found = codeAndConstraint(error);
  return found.code === "23505" && (constraint === undefined || found.constraint === constraint);
}

/** 23514: a CHECK constraint refused the row (optionally: that constraint). */
export function isCheckViolation(error: unknown, constraint?: string): boolean {
  const found = codeAndConstraint(error);
  return found.code === "23514" && (constraint === undefined || found.constraint === constraint);
}

/**
 * The transaction lost to another and may simply run again: a deadlock victim (40P01), a
 * serialization failure (40001) or a lock wait that timed out (55P03).
 */
export function isTransientConflict(error: unknown): boolean {
  const found = codeAndConstraint(error);
  return found.code === "40P01" || found.code === "40001" || found.code === "55P03";
}
