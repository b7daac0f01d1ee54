// The XML of r_keeper's FarCards HTTP protocol (ExtDllHTTP.dll, FarCards 6.04+): what the till
// POSTs to `getcardinfoex` and `transactionsex`, and what we answer. Pure: text in, objects out.
//
// Sources: r_keeper's "Описание HTTP протокола для FarCards" (request
// `<ROOT><QRY Card Restaurant UnitNo><INPBUF><CHECK …>`, UTF-8 only), the ExtDLL 6 function
// descriptions the HTTP DLL forwards (GetCardInfoEx/TransactionsEx fields, kopecks, Result 0/1),
// "XML описание кассового документа" (the CHECK inside INPBUF) and r_keeper's sample PHP server
// (answers `<Root><GetCardInfoEx Result="0" Holder=… …/></Root>`, `<Root><TransactionsEx …/>`).
//
// The public page shows no `transactionsex` body, so names are matched without regard to case and
// transactions are found wherever they sit under ROOT (as `TRANSACTION` or `TRANSACTIONSEX`),
// carrying the fields of ExtDLL's transaction record (Card, Kind, Summa, Restaurant, RKDate,
// RKUnit/RKUni, RKCheck).
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";

/** r_keeper sent something we cannot read; answer with an error, never with a guess. */
export class FarCardsFormatError extends Error {
  override readonly name = "FarCardsFormatError";
}

export function isFarCardsFormatError(error: unknown): error is FarCardsFormatError {
  return error instanceof FarCardsFormatError;
}

/** What r_keeper's sample server sends; ExtDllHTTP reads UTF-8 only. */
export const FARCARDS_CONTENT_TYPE = "text/xml; charset=utf-8";

// A check of several hundred lines with taxes and discounts stays well under a megabyte.
const MAX_XML_CHARS = 2_000_000;
const MAX_TRANSACTIONS = 1_000;
// Ids, numbers and dates; anything longer is not what r_keeper writes there.
const MAX_SHORT_ATTRIBUTE = 200;

// ---------------------------------------------------------------- reading

/** One element: attributes as "@name" (lower case), children by TAG NAME (upper case), always arrays. */
export type XmlElement = { [key: string]: unknown };

// Entities are not processed by the parser and DTDs are refused before it runs, so no document
// can define or expand an entity; only XML's own five and character references are decoded here,
// in one pass that cannot recurse.
const PREDEFINED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXmlText(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(
    /&(?:#(\d{1,7})|#x([\da-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g,
    (whole: string, decimal?: string, hex?: string, named?: string) => {
      if (named) return PREDEFINED_ENTITIES[named] ?? whole;
      const code = decimal ? Number(decimal) : Number.parseInt(hex ?? "", 16);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : whole;
    },
  );
}

// Tags upper case, attributes lower case: r_keeper writes tags in capitals and its documents and
// tools disagree on the rest (QRY/Card, InpBuf/INPBUF), so we read them all alike.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  transformTagName: (name) => name.toUpperCase(),
  transformAttributeName: (name) => name.toLowerCase(),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
});

/** Parse a FarCards document safely (size cap, no DTD, well-formed) into its root element. */
export function readFarCardsXml(xml: string): { name: string; element: XmlElement } {
  if (xml.length > MAX_XML_CHARS) {
    throw new FarCardsFormatError(`the document is larger than ${MAX_XML_CHARS} characters`);
  }
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(xml)) {
    throw new FarCardsFormatError("a DOCTYPE or ENTITY declaration is not allowed");
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new FarCardsFormatError(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  }
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (error) {
    throw new FarCardsFormatError(`malformed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const roots = Object.entries(asElement(document));
  const [root] = roots;
  if (roots.length !== 1 || !root) throw new FarCardsFormatError("the document must have exactly one root element");
  const [name, value] = root;
  return { name, element: elementsOf(value)[0] ?? {} };
}

function asElement(value: unknown): XmlElement {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as XmlElement) : {};
}

function elementsOf(value: unknown): XmlElement[] {
  // An element with only text (or nothing) parses as a string: as an element it has no attributes.
  return Array.isArray(value) ? value.map(asElement) : [];
}

/** The children of `element` named TAG. */
export function childElements(element: XmlElement, tag: string): XmlElement[] {
  return Object.hasOwn(element, tag) ? elementsOf(element[tag]) : [];
}

/** Elements named one of `tags` anywhere below `element`, outside INPBUF (the till's check). */
function findElements(element: XmlElement, tags: readonly string[], depth = 4): XmlElement[] {
  const found: XmlElement[] = [];
  for (const [tag, value] of Object.entries(element)) {
    if (tag.startsWith("@") || tag === "INPBUF") continue;
    for (const child of elementsOf(value)) {
      if (tags.includes(tag)) found.push(child);
      else if (depth > 1) found.push(...findElements(child, tags, depth - 1));
    }
  }
  return found;
}

function findInpBuf(element: XmlElement, depth = 3): XmlElement | undefined {
  const [direct] = childElements(element, "INPBUF");
  if (direct || depth <= 1) return direct;
  for (const [tag, value] of Object.entries(element)) {
    if (tag.startsWith("@")) continue;
    for (const child of elementsOf(value)) {
      const nested = findInpBuf(child, depth - 1);
      if (nested) return nested;
    }
  }
  return undefined;
}

/** An attribute's value, trimmed; attribute names are matched without regard to case. */
export function attributeOf(element: XmlElement, name: string): string | undefined {
  const value = element[`@${name.toLowerCase()}`];
  return typeof value === "string" ? value.trim() : undefined;
}

function preview(value: string): string {
  return value.length > 40
    ? `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`
    : JSON.stringify(value);
}

function requiredAttribute(element: XmlElement, tag: string, name: string, pattern: RegExp, what: string): string {
  const value = attributeOf(element, name);
  if (value === undefined || value === "") throw new FarCardsFormatError(`${tag} has no ${name} attribute`);
  if (!pattern.test(value)) throw new FarCardsFormatError(`${tag} ${name} must be ${what}, got ${preview(value)}`);
  return value;
}

function optionalAttribute(element: XmlElement, tag: string, name: string, pattern: RegExp, what: string) {
  const value = attributeOf(element, name);
  if (value === undefined || value === "") return undefined;
  if (!pattern.test(value)) throw new FarCardsFormatError(`${tag} ${name} must be ${what}, got ${preview(value)}`);
  return value;
}

/** Optional and informational: too long or absent reads as absent, never as an error. */
function shortAttribute(element: XmlElement, name: string): string | undefined {
  const value = attributeOf(element, name);
  return value && value.length <= MAX_SHORT_ATTRIBUTE ? value : undefined;
}

// Int64 in the DLL; our codes, phones and QR tokens also fit this.
const CARD = /^[0-9A-Za-z_+-]{1,120}$/;
const UNSIGNED = /^\d{1,10}$/;

// ---------------------------------------------------------------- requests

/** A line of the check, as r_keeper writes it (sums in roubles with a decimal point). */
export interface FarCardsCheckLine {
  name: string;
  code?: string;
  /** "1", "0.5" */
  quantity: string;
  /** the line's total after discounts, "245.00" */
  sum: string;
}

/** The CHECK document in INPBUF ("XML описание кассового документа"), the parts we use. */
export interface FarCardsCheck {
  /** 1 sale, 2 rollback of a sale, 3 return, 4 rollback of a return; others are not closed checks */
  chmode?: number;
  /** long restaurant code (object + restaurant), unlike the short `Restaurant` of QRY */
  restaurantCode?: string;
  stationCode?: string;
  /** local wall-clock time, no offset */
  generatedAt?: string;
  checkNum?: string;
  /** "{32FA0A30-…}": the same for a check and for the return of that check */
  checkGuid?: string;
  orderGuid?: string;
  orderNum?: string;
  /** local wall-clock time, no offset */
  closedAt?: string;
  /** print number of the deleted (returned) check */
  delPrintNum?: string;
  lines: FarCardsCheckLine[];
}

export interface FarCardsCardInfoRequest {
  kind: "getcardinfoex";
  /** QRY Card: what the cashier typed or scanned */
  card: string;
  /** QRY Restaurant: r_keeper's restaurant code */
  restaurant: string;
  /** QRY UnitNo: the calling till */
  unitNo: string;
  check?: FarCardsCheck;
}

/** One record of TransactionsEx (ExtDLL 6). JSON-safe: it is kept as the event's raw document. */
export interface FarCardsTransaction {
  card: string;
  /** 0 payment from the card's account, 1 discount, 2 bonus, 3 what the guest paid themselves */
  kind: number;
  /** Summa in kopecks, signed (for kind 3: paid > 0, cancelled check < 0), as digits */
  summa: string;
  restaurant: string;
  personId?: string;
  account?: string;
  /** RKDate, the cash date: "2026-11-21" (sent as a day number counted from 1899-12-30) */
  cashDate?: string;
  /** RKUnit (also seen as RKUni): the till */
  unit?: string;
  /** RKCheck: the check number */
  checkNumber?: string;
}

export interface FarCardsTransactionsRequest {
  kind: "transactionsex";
  transactions: FarCardsTransaction[];
  check?: FarCardsCheck;
}

export type FarCardsRequest = FarCardsCardInfoRequest | FarCardsTransactionsRequest;

export function parseFarCardsRequest(kind: "getcardinfoex", xml: string): FarCardsCardInfoRequest;
export function parseFarCardsRequest(kind: "transactionsex", xml: string): FarCardsTransactionsRequest;
export function parseFarCardsRequest(kind: FarCardsRequest["kind"], xml: string): FarCardsRequest {
  const { name, element: root } = readFarCardsXml(xml);
  if (name !== "ROOT") throw new FarCardsFormatError(`the root element must be ROOT, got ${name}`);
  return kind === "getcardinfoex" ? readCardInfoRequest(root) : readTransactionsRequest(root);
}

function readCardInfoRequest(root: XmlElement): FarCardsCardInfoRequest {
  const [qry] = childElements(root, "QRY");
  if (!qry) throw new FarCardsFormatError("ROOT has no QRY element");
  const inpBuf = findInpBuf(qry) ?? findInpBuf(root, 1);
  return {
    kind: "getcardinfoex",
    card: requiredAttribute(qry, "QRY", "Card", CARD, "a card number"),
    restaurant: requiredAttribute(qry, "QRY", "Restaurant", UNSIGNED, "a restaurant code"),
    unitNo: requiredAttribute(qry, "QRY", "UnitNo", UNSIGNED, "a till number"),
    ...optionalCheck(inpBuf),
  };
}

function readTransactionsRequest(root: XmlElement): FarCardsTransactionsRequest {
  const elements = findElements(root, ["TRANSACTION", "TRANSACTIONSEX"]);
  if (elements.length > MAX_TRANSACTIONS) {
    throw new FarCardsFormatError(`more than ${MAX_TRANSACTIONS} transactions in one request`);
  }
  return {
    kind: "transactionsex",
    transactions: elements.map(readTransaction),
    ...optionalCheck(findInpBuf(root)),
  };
}

function readTransaction(element: XmlElement, index: number): FarCardsTransaction {
  const tag = `TRANSACTION #${index + 1}`;
  const summa = requiredAttribute(element, tag, "Summa", /^[+-]?\d{1,18}$/, "a whole number of kopecks");
  const cashDate = optionalAttribute(element, tag, "RKDate", /^(\d{1,6}|\d{4}-\d{2}-\d{2}.{0,30})$/, "a date");
  const unit =
    optionalAttribute(element, tag, "RKUnit", UNSIGNED, "a till number") ??
    optionalAttribute(element, tag, "RKUni", UNSIGNED, "a till number");
  const transaction: FarCardsTransaction = {
    card: requiredAttribute(element, tag, "Card", CARD, "a card number"),
    kind: Number(requiredAttribute(element, tag, "Kind", /^\d{1,3}$/, "a transaction kind")),
    summa: BigInt(summa).toString(),
    restaurant: requiredAttribute(element, tag, "Restaurant", UNSIGNED, "a restaurant code"),
  };
  const personId = optionalAttribute(element, tag, "PersonID", /^-?\d{1,19}$/, "a number");
  const account = optionalAttribute(element, tag, "Account", UNSIGNED, "an account number");
  const checkNumber = optionalAttribute(element, tag, "RKCheck", UNSIGNED, "a check number");
  if (personId) transaction.personId = personId;
  if (account) transaction.account = account;
  if (cashDate) transaction.cashDate = isoCashDate(cashDate);
  if (unit) transaction.unit = unit;
  if (checkNumber) transaction.checkNumber = checkNumber;
  return transaction;
}

// The DLL's cash date is a Delphi TDate: whole days since 1899-12-30.
const DELPHI_EPOCH_MS = Date.UTC(1899, 11, 30);

function isoCashDate(value: string): string {
  if (/^\d+$/.test(value)) return new Date(DELPHI_EPOCH_MS + Number(value) * 86_400_000).toISOString().slice(0, 10);
  return value.slice(0, 10);
}

function optionalCheck(inpBuf: XmlElement | undefined): { check?: FarCardsCheck } {
  const [check] = inpBuf ? childElements(inpBuf, "CHECK") : [];
  return check ? { check: readCheck(check) } : {};
}

// INPBUF is the till's own description of the check: informative, so read leniently.
function readCheck(check: XmlElement): FarCardsCheck {
  const [data = {}] = childElements(check, "CHECKDATA");
  const chmode = attributeOf(check, "chmode");
  const result: FarCardsCheck = {
    lines: childElements(data, "CHECKLINES").flatMap((lines) => childElements(lines, "LINE").flatMap(readLine)),
  };
  if (chmode && /^\d{1,3}$/.test(chmode)) result.chmode = Number(chmode);
  const fields = {
    restaurantCode: shortAttribute(check, "restaurantcode"),
    stationCode: shortAttribute(check, "stationcode"),
    generatedAt: shortAttribute(check, "generateddatetime"),
    checkNum: shortAttribute(data, "checknum"),
    checkGuid: shortAttribute(data, "checkguid"),
    orderGuid: shortAttribute(data, "orderguid"),
    orderNum: shortAttribute(data, "ordernum"),
    closedAt: shortAttribute(data, "closedatetime"),
    delPrintNum: shortAttribute(data, "delprintnum"),
  };
  for (const [key, value] of Object.entries(fields)) {
    if (value) Object.assign(result, { [key]: value });
  }
  return result;
}

function readLine(line: XmlElement): FarCardsCheckLine[] {
  const name = attributeOf(line, "name");
  const quantity = shortAttribute(line, "quantity");
  const sum = shortAttribute(line, "sum");
  if (!name || !quantity || !sum) return [];
  const code = shortAttribute(line, "code");
  return [{ name: name.slice(0, 300), quantity, sum, ...(code ? { code } : {}) }];
}

// ---------------------------------------------------------------- answers

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true,
});

function renderDocument(document: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document)}`;
}

// The DLL copies our strings into fixed Asciiz fields (Holder 40 bytes, the texts 256) in the
// till's one-byte code page, so one character is one byte there. Control characters other than
// line breaks are not allowed in XML at all.
function fieldText(value: string, maxBytes: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "");
  return Array.from(clean)
    .slice(0, maxBytes - 1)
    .join("");
}

export interface FarCardsCardInfo {
  /** Holder, shown at the till */
  holder: string;
  balancePoints: number | bigint;
  /** settings.pointsLabel: "Баллы" */
  pointsLabel: string;
  state: "active" | "blocked" | "expired";
  /** WhyLock: shown to the cashier when the card cannot be used */
  reason?: string;
  /** ScrMessage: the line on the cashier's screen; by default the balance */
  message?: string;
  /** Account (DWORD), if the guest has a number r_keeper should keep on its transactions */
  account?: number;
}

/**
 * The answer for a card we know. Summa ("сумма, доступная для оплаты счета") stays 0: it is what
 * r_keeper would let the cashier charge to the card, and paying with points is not offered this
 * way, so the balance is only shown (DopInfo, ScrMessage, PrnMessage).
 */
export function renderCardInfo(info: FarCardsCardInfo): string {
  const balance = `${fieldText(info.pointsLabel, 256)}: ${info.balancePoints.toString()}`;
  const flag = (on: boolean) => (on ? "1" : "0");
  const reason =
    info.state === "active"
      ? ""
      : (info.reason ?? (info.state === "blocked" ? "Карта заблокирована" : "Срок действия карты истёк"));
  return renderDocument({
    Root: {
      GetCardInfoEx: {
        "@Result": "0",
        "@Deleted": "0",
        "@Seize": "0",
        "@StopDate": flag(info.state === "expired"),
        "@Holy": "0",
        "@Manager": "0",
        "@Locked": flag(info.state === "blocked"),
        "@WhyLock": fieldText(reason, 256),
        "@Holder": fieldText(info.holder, 40),
        ...(info.account === undefined ? {} : { "@Account": String(info.account) }),
        "@Unpay": "0",
        "@Bonus": "0",
        "@Discount": "0",
        "@DiscLimit": "0",
        "@Summa": "0",
        "@DopInfo": fieldText(balance, 256),
        "@ScrMessage": fieldText(info.message ?? balance, 256),
        "@PrnMessage": fieldText(balance, 256),
      },
    },
  });
}

/** Result 1, "карта не существует". The DLL has no text for it; WhyLock carries ours for the logs. */
export function renderCardNotFound(reason: string): string {
  return renderDocument({ Root: { GetCardInfoEx: { "@Result": "1", "@WhyLock": fieldText(reason, 256) } } });
}

/**
 * Result 0 when every transaction is taken, 1 when none is: FarCards allows no partial success.
 * On failure the reason goes back as TRRESPONSE (error_code, err_text), the shape FarCards 6.04+
 * reads from the answer buffer to show the cashier why.
 */
export function renderTransactionsResult(result: { ok: true } | { ok: false; message: string }): string {
  if (result.ok) return renderDocument({ Root: { TransactionsEx: { "@Result": "0" } } });
  return renderDocument({
    Root: {
      TransactionsEx: {
        "@Result": "1",
        OUTBUF: {
          "@OutKind": "1",
          TRRESPONSE: { "@error_code": "1", "@err_text": fieldText(result.message, 256) },
        },
      },
    },
  });
}
