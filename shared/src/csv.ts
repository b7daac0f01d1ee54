// CSV as RFC 4180 writes it and as spreadsheets (Excel, LibreOffice, Google Sheets) save it, both
// ways. Small enough not to need a library: the export writes rows, the guest import reads them.

/** Excel opens a UTF-8 file without it as the legacy code page and garbles Cyrillic. */
export const UTF8_BOM = "\uFEFF";

// A cell starting with one of these is a formula to a spreadsheet ("=HYPERLINK(...)", "@SUM"):
// a guest who types one as their name must not get it run on the owner's machine (OWASP "CSV
// injection"). A plain number (a phone "+79991234567", a balance "-5") runs nothing, so it is
// left as it is and stays a number to the spreadsheet.
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** One cell: guarded against formulas, quoted when it holds a quote, delimiter or line break. */
export function csvCell(value: string | number | bigint | boolean | null | undefined, delimiter = ","): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  if (text.includes('"') || text.includes(delimiter) || text.includes("\n") || text.includes("\r")) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

/** One record, CRLF-terminated as RFC 4180 says. */
export function csvRow(
  values: readonly (string | number | bigint | boolean | null | undefined)[],
  delimiter = ",",
): string {
  return `${values.map((value) => csvCell(value, delimiter)).join(delimiter)}\r\n`;
}

export class CsvParseError extends Error {
  override readonly name = "CsvParseError";
  /** the 1-based record where reading stopped */
  readonly record: number;
  constructor(message: string, record: number) {
    super(message);
    this.record = record;
  }
}

/**
 * The delimiter of a file: `;` when its first line has more semicolons than commas outside
 * quotes (what Excel writes where the decimal separator is a comma, as in Russia), else `,`.
 */
export function detectDelimiter(text: string): "," | ";" {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && char === ",") commas++;
    else if (!quoted && char === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

/**
 * Every record of a CSV text (a leading BOM dropped), fields unquoted. Line breaks may be CRLF,
 * LF or CR; quoted fields may hold delimiters, quotes ("") and line breaks. Blank lines are
 * skipped. An unterminated quote is an error rather than a silently swallowed rest of the file.
 */
export function parseCsv(
  input: string,
  delimiter: "," | ";" = detectDelimiter(input.replace(/^\uFEFF/, "")),
): string[][] {
  const text = input.replace(/^\uFEFF/, "");
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let fieldWasQuoted = false;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    // a blank line is one empty, unquoted field
    if (!(record.length === 1 && record[0] === "" && !fieldWasQuoted)) records.push(record);
    record = [];
    field = "";
    fieldWasQuoted = false;
  };
  while (i < text.length) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += char;
      }
      i++;
      continue;
    }
    if (char === '"' && field === "") {
      quoted = true;
      fieldWasQuoted = true;
    } else if (char === delimiter) {
      record.push(field);
      field = "";
      fieldWasQuoted = false;
    } else if (char === "\r" || char === "\n") {
      endRecord();
      if (char === "\r" && text[i + 1] === "\n") i++;
    } else {
      field += char;
    }
    i++;
  }
  if (quoted) throw new CsvParseError("a quoted field is never closed", records.length + 1);
  if (field !== "" || fieldWasQuoted || record.length > 0) endRecord();
  return records;
}
