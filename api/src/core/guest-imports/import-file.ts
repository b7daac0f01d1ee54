// The guest import's file format (docs/guest-import.md): a CSV with a header row naming the
// columns in Russian or English, comma- or semicolon-separated, in UTF-8 (or Windows-1251, which
// older Excel still writes). Read the same way when the file is uploaded (to refuse a file that
// cannot be imported at all) and when the workers import it.
import { CsvParseError, normalizePhone, parseCsv, ServiceError } from "@maxl/shared";

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

/** The largest opening balance one row may carry (the same bound as a manual adjustment). */
export const MAX_OPENING_BALANCE = 10_000_000;

export type ImportField = "phone" | "firstName" | "lastName" | "birthday" | "balance";

/** Header names per field, compared lower-cased with spaces, "_" and "-" alike and ё as е. */
export const columnAliases: Record<ImportField, readonly string[]> = {
  phone: ["phone", "phone number", "mobile", "телефон", "номер телефона", "мобильный"],
  firstName: ["first name", "firstname", "given name", "имя"],
  lastName: ["last name", "lastname", "surname", "family name", "фамилия"],
  birthday: ["birthday", "birth date", "date of birth", "birthdate", "дата рождения", "день рождения"],
  balance: ["balance", "points", "opening balance", "баланс", "баллы", "бонусы"],
};

/** How a field is called in error reports, as the operator's header would say it. */
export const fieldNames: Record<ImportField, string> = {
  phone: "phone",
  firstName: "first_name",
  lastName: "last_name",
  birthday: "birthday",
  balance: "balance",
};

const normalizeHeader = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replaceAll("ё", "е")
    .replace(/[\s_-]+/g, " ");

const aliasToField = new Map<string, ImportField>(
  (Object.entries(columnAliases) as [ImportField, readonly string[]][]).flatMap(([field, names]) =>
    names.map((name) => [normalizeHeader(name), field] as const),
  ),
);

export interface ImportRecord {
  /** the record's number in the file, the header being 1 (what a spreadsheet shows as the row) */
  row: number;
  values: Partial<Record<ImportField, string>>;
}

export interface ImportFile {
  records: ImportRecord[];
}

function refuse(message: string): never {
  throw new ServiceError("VALIDATION", message, {
    key: "guest-import-file-invalid",
    fields: [{ path: "body", message }],
  });
}

/**
 * Text of an uploaded file: UTF-8 if it is valid UTF-8, else Windows-1251 (what Excel in Russian
 * saves as "CSV"). A file with NUL bytes is not text at all (an .xlsx, say).
 */
export function decodeImportBytes(bytes: Uint8Array): string {
  if (bytes.includes(0)) refuse('This is not a CSV text file. In Excel, save it as "CSV UTF-8".');
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1251").decode(bytes);
  }
}

/** The file's rows by field, or a VALIDATION error saying why nothing in it can be imported. */
export function readImportFile(text: string): ImportFile {
  let table: string[][];
  try {
    table = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvParseError) refuse(`The file is not valid CSV: ${error.message} (row ${error.record}).`);
    throw error;
  }
  const [header, ...rows] = table;
  if (!header) refuse("The file is empty.");
  const columns = new Map<number, ImportField>();
  const seen = new Map<ImportField, string>();
  header.forEach((name, index) => {
    const field = aliasToField.get(normalizeHeader(name));
    if (!field) return;
    const earlier = seen.get(field);
    if (earlier !== undefined)
      refuse(`The columns "${earlier}" and "${name}" both mean ${fieldNames[field]}; keep one.`);
    seen.set(field, name);
    columns.set(index, field);
  });
  if (!seen.has("phone")) {
    refuse('The file has no phone column. Name it "phone" or "телефон" in the first row.');
  }
  if (rows.length === 0) refuse("The file has a header row and no guests.");
  return {
    records: rows.map((cells, index) => {
      const values: ImportRecord["values"] = {};
      for (const [column, field] of columns) {
        const value = cells[column]?.trim();
        if (value) values[field] = value;
      }
      return { row: index + 2, values };
    }),
  };
}

export interface ImportError {
  /** the file's row (the header is row 1); null for the file as a whole */
  row: number | null;
  /** the field, as in the header's English name; null for the file or the row as a whole */
  field: string | null;
  message: string;
}

export interface GuestRowData {
  row: number;
  /** E.164 */
  phone: string;
  firstName: string | null;
  lastName: string | null;
  birthday: Date | null;
  /** opening balance, points; 0 for none */
  balance: number;
}

export type CheckedRow = { ok: true; data: GuestRowData } | { ok: false; row: number; errors: ImportError[] };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RU_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

function parseBirthday(value: string, now: Date): Date | string {
  const iso = ISO_DATE.exec(value);
  const ru = RU_DATE.exec(value);
  const parts = iso ? [iso[1], iso[2], iso[3]] : ru ? [ru[3], ru[2], ru[1]] : null;
  if (!parts) return "must be YYYY-MM-DD or DD.MM.YYYY";
  const [year, month, day] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return "is not a date in the calendar";
  }
  // the same plausibility as the bot's onboarding: 5 to 120 years old
  const age = (now.getTime() - date.getTime()) / (365.25 * 86_400_000);
  if (!(age >= 5 && age <= 120)) return "does not look like a birthday (age 5 to 120)";
  return date;
}

function checkName(value: string | undefined): string | null | { error: string } {
  if (value === undefined) return null;
  const clean = value.replace(/\s+/g, " ").trim();
  if (clean.length > 100) return { error: "must be at most 100 characters" };
  if (/[<>]|https?:/i.test(clean)) return { error: "does not look like a name" };
  return clean || null;
}

/**
 * Every record checked, in file order. A phone that an earlier row already has makes the later
 * row fail (which of two rows is right is the operator's call, not ours).
 */
export function checkImportRecords(records: readonly ImportRecord[], now: Date): CheckedRow[] {
  const firstRowByPhone = new Map<string, number>();
  return records.map((record): CheckedRow => {
    const errors: ImportError[] = [];
    const fail = (field: ImportField, message: string) =>
      errors.push({ row: record.row, field: fieldNames[field], message });
    const { values } = record;

    let phone: string | null = null;
    if (!values.phone) fail("phone", "is empty");
    else {
      phone = normalizePhone(values.phone);
      if (!phone) fail("phone", `"${values.phone.slice(0, 40)}" is not a phone number`);
    }
    const firstName = checkName(values.firstName);
    if (firstName && typeof firstName === "object") fail("firstName", firstName.error);
    const lastName = checkName(values.lastName);
    if (lastName && typeof lastName === "object") fail("lastName", lastName.error);
    let birthday: Date | null = null;
    if (values.birthday) {
      const parsed = parseBirthday(values.birthday, now);
      if (typeof parsed === "string") fail("birthday", parsed);
      else birthday = parsed;
    }
    let balance = 0;
    if (values.balance) {
      const compact = values.balance.replace(/[\s\u00a0]/g, "");
      if (!/^\d+$/.test(compact)) fail("balance", "must be a whole number of points, 0 or more");
      else if (Number(compact) > MAX_OPENING_BALANCE) fail("balance", `must be at most ${MAX_OPENING_BALANCE}`);
      else balance = Number(compact);
    }
    if (phone) {
      const first = firstRowByPhone.get(phone);
      if (first !== undefined) fail("phone", `the same phone as row ${first}`);
      else if (errors.length === 0) firstRowByPhone.set(phone, record.row);
    }
    if (errors.length > 0 || !phone) return { ok: false, row: record.row, errors };
    return {
      ok: true,
      data: {
        row: record.row,
        phone,
        firstName: typeof firstName === "string" ? firstName : null,
        lastName: typeof lastName === "string" ? lastName : null,
        birthday,
        balance,
      },
    };
  });
}
