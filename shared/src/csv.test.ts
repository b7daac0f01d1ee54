import { describe, expect, it } from "vitest";
import { CsvParseError, csvCell, csvRow, detectDelimiter, parseCsv } from "./csv.ts";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["Анна", "Анна"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["", ""],
  ])("writes %j as %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("writes null and undefined as empty cells and numbers as they are", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(1250)).toBe("1250");
    expect(csvCell(12n)).toBe("12");
  });

  it.each([
    ['=HYPERLINK("http://evil")', '"\'=HYPERLINK(""http://evil"")"'],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
  ])("defuses the formula %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("leaves plain numbers alone: a phone in E.164 or a negative amount runs nothing", () => {
    expect(csvCell("+79991234567")).toBe("+79991234567");
    expect(csvCell("-5")).toBe("-5");
  });

  it("quotes for the delimiter in use", () => {
    expect(csvCell("a;b", ";")).toBe('"a;b"');
    expect(csvCell("a,b", ";")).toBe("a,b");
  });
});

describe("csvRow", () => {
  it("joins cells and ends the record with CRLF", () => {
    expect(csvRow(["id", null, "Иванов, Пётр", 3])).toBe('id,,"Иванов, Пётр",3\r\n');
  });
});

describe("parseCsv", () => {
  it("reads what csvRow writes, whatever the cells hold", () => {
    const rows = [
      ["phone", "name"],
      ["+79991234567", 'Анна "Аня", "Ivanova"'],
      ["line\r\nbreak", ""],
    ];
    expect(parseCsv(rows.map((row) => csvRow(row)).join(""))).toEqual(rows);
  });

  it("drops a BOM, accepts LF and CR line ends, skips blank lines and takes a last line without a break", () => {
    expect(parseCsv("\uFEFFa,b\n\n1,2\r3,4")).toEqual([
      ["a", "b"],
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("detects semicolons, as Excel writes in Russian locales", () => {
    expect(detectDelimiter("телефон;имя;баланс\n+7999;Анна, Мария;5")).toBe(";");
    expect(detectDelimiter('"a;b;c",d,e\n')).toBe(",");
    expect(parseCsv("телефон;имя\n89991234567;Анна, Мария")).toEqual([
      ["телефон", "имя"],
      ["89991234567", "Анна, Мария"],
    ]);
  });

  it("keeps a quoted empty field as a record", () => {
    expect(parseCsv('a\n""\n')).toEqual([["a"], [""]]);
  });

  it("refuses an unterminated quote instead of swallowing the rest of the file", () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(CsvParseError);
  });
});
