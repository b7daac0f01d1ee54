// r_keeper's side of FarCards over HTTP, for tests: the documents ExtDllHTTP.dll posts for
// GetCardInfoEx (`<ROOT><QRY Card Restaurant UnitNo><INPBUF><CHECK…>`) and TransactionsEx (the
// check's transaction records plus the same CHECK), sent to `<baseUrl>/getcardinfoex` and
// `<baseUrl>/transactionsex`, and the answer read back as the DLL reads it: Result and the card's
// fields. Checks are built like a till builds them: a sale, then the return of that same check.
import { randomInt, randomUUID } from "node:crypto";
import { XMLBuilder } from "fast-xml-parser";
import {
  attributeOf,
  childElements,
  FARCARDS_CONTENT_TYPE,
  readFarCardsXml,
  type XmlElement,
} from "../../src/core/pos/rkeeper/farcards-xml.ts";

export interface FarCardsLine {
  name: string;
  code: string;
  quantity: number;
  /** the line's total */
  sumMinor: bigint;
}

/** One closed check as the till knows it: its identity, its CHECK document and its transactions. */
export interface FarCardsCheckDocument {
  /** short restaurant code, FarCards `Restaurant` */
  restaurant: string;
  /** the till, `RKUnit` / `stationcode` */
  unit: string;
  checkNumber: number;
  /** "2026-11-21" */
  cashDate: string;
  /** 1 sale, 2 sale rollback, 3 return, 4 return rollback, 5 order editing, 6 bill… */
  chmode: number;
  /** "{32FA0A30-…}"; a return carries its sale's */
  checkGuid?: string;
  orderGuid: string;
  /** local wall-clock times, as r_keeper writes them */
  closedAt: string;
  generatedAt: string;
  delPrintNum?: number;
  lines: FarCardsLine[];
  transactions: { card: string; kind: number; summaMinor: bigint }[];
}

export interface SaleCheckInput {
  card: string;
  paidMinor: bigint;
  restaurant?: string;
  unit?: string;
  checkNumber?: number;
  closedAt?: string;
  lines?: FarCardsLine[];
}

const guid = () => `{${randomUUID().toUpperCase()}}`;

/** A sale closed on the card: one kind-3 transaction ("what the guest paid") for the paid amount. */
export function farCardsSaleCheck(input: SaleCheckInput): FarCardsCheckDocument {
  const closedAt = input.closedAt ?? "2026-11-21T13:05:12";
  return {
    restaurant: input.restaurant ?? "9999",
    unit: input.unit ?? "2",
    checkNumber: input.checkNumber ?? randomInt(1, 100_000),
    cashDate: closedAt.slice(0, 10),
    chmode: 1,
    checkGuid: guid(),
    orderGuid: guid(),
    closedAt,
    generatedAt: closedAt,
    lines: input.lines ?? [{ name: "Капучино", code: "201", quantity: 1, sumMinor: input.paidMinor }],
    transactions: [{ card: input.card, kind: 3, summaMinor: input.paidMinor }],
  };
}

/** The return of a sale: the same check (guid, number) in mode 3, the amount paid cancelled. */
export function farCardsRefundCheck(input: { sale: FarCardsCheckDocument; at?: string }): FarCardsCheckDocument {
  const { sale } = input;
  return {
    ...sale,
    chmode: 3,
    generatedAt: input.at ?? sale.closedAt,
    delPrintNum: sale.checkNumber + 1,
    transactions: sale.transactions.map((transaction) => ({ ...transaction, summaMinor: -transaction.summaMinor })),
  };
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, indentBy: "  " });
const render = (document: XmlElement) => `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document)}`;

// The DLL's cash date is a Delphi TDate: whole days since 1899-12-30.
function delphiDay(isoDate: string): number {
  return Math.round((Date.parse(`${isoDate}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000);
}

function roubles(minor: bigint): string {
  const sign = minor < 0n ? "-" : "";
  const absolute = minor < 0n ? -minor : minor;
  return `${sign}${absolute / 100n}.${(absolute % 100n).toString().padStart(2, "0")}`;
}

/** The CHECK element of INPBUF ("XML описание кассового документа"): tags upper, attributes lower. */
function checkElement(check: FarCardsCheckDocument): XmlElement {
  const cards = [...new Set(check.transactions.map((transaction) => transaction.card))];
  return {
    "@stationcode": check.unit,
    "@restaurantcode": `10000${check.restaurant.padStart(4, "0")}`,
    "@cashservername": "MIDSERV1",
    "@generateddatetime": check.generatedAt,
    "@chmode": String(check.chmode),
    "@locale": "1049",
    "@shiftdate": check.cashDate,
    "@shiftnum": "1",
    EXTINFO: {
      INTERFACES: {
        "@current": "1",
        INTERFACE: {
          "@type": "PDS",
          "@id": "1",
          "@mode": "0",
          "@interface": "1",
          HOLDERS: { ITEM: cards.map((card) => ({ "@cardcode": card })) },
        },
      },
    },
    CHECKDATA: {
      "@checknum": String(check.checkNumber),
      "@printnum": String(check.checkNumber),
      "@delprintnum": String(check.delPrintNum ?? 0),
      "@startservice": check.closedAt,
      "@closedatetime": check.closedAt,
      "@ordernum": `${check.checkNumber}/1`,
      "@guests": "1",
      "@orderguid": check.orderGuid,
      ...(check.checkGuid ? { "@checkguid": check.checkGuid } : {}),
      CHECKLINES: {
        "@count": String(check.lines.length),
        LINE: check.lines.map((line, index) => ({
          "@id": guid(),
          "@code": line.code,
          "@name": line.name,
          "@uni": String(index + 1),
          "@type": "dish",
          "@quantity": String(line.quantity),
          "@sum": roubles(line.sumMinor),
        })),
      },
    },
  };
}

/** The body ExtDllHTTP posts to `getcardinfoex`. */
export function farCardsCardInfoXml(query: {
  card: string;
  restaurant: string;
  unit: string;
  check?: FarCardsCheckDocument;
}): string {
  return render({
    ROOT: {
      QRY: {
        "@Card": query.card,
        "@Restaurant": query.restaurant,
        "@UnitNo": query.unit,
        ...(query.check ? { INPBUF: { CHECK: checkElement(query.check) } } : {}),
      },
    },
  });
}

/** The body ExtDllHTTP posts to `transactionsex`: ExtDLL's transaction records, then INPBUF. */
export function farCardsTransactionsXml(check: FarCardsCheckDocument): string {
  return render({
    ROOT: {
      TRANSACTIONS: {
        TRANSACTION: check.transactions.map((transaction) => ({
          "@Card": transaction.card,
          "@PersonID": "0",
          "@Account": "0",
          "@Kind": String(transaction.kind),
          "@Summa": transaction.summaMinor.toString(),
          "@Restaurant": check.restaurant,
          "@RKDate": String(delphiDay(check.cashDate)),
          "@RKUnit": check.unit,
          "@RKCheck": String(check.checkNumber),
        })),
      },
      INPBUF: { CHECK: checkElement(check) },
    },
  });
}

export interface FarCardsCardInfoReply {
  /** 0 the card exists, 1 it does not */
  result: number;
  holder?: string;
  locked: boolean;
  whyLock?: string;
  screenMessage?: string;
  /** every attribute of GetCardInfoEx, names in lower case */
  attributes: Record<string, string>;
}

export interface FarCardsTransactionsReply {
  /** 0 all transactions taken, 1 none */
  result: number;
  /** TRRESPONSE err_text, when the server explained a failure */
  errorText?: string;
}

function answerElement(xml: string, tag: string): XmlElement {
  const { name, element } = readFarCardsXml(xml);
  const [answer] = childElements(element, tag);
  if (name !== "ROOT" || !answer) throw new Error(`expected <Root><${tag}>, got ${xml.slice(0, 200)}`);
  return answer;
}

export function readCardInfoReply(xml: string): FarCardsCardInfoReply {
  const answer = answerElement(xml, "GETCARDINFOEX");
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(answer)) {
    if (key.startsWith("@") && typeof value === "string") attributes[key.slice(1)] = value;
  }
  const holder = attributeOf(answer, "Holder");
  const whyLock = attributeOf(answer, "WhyLock");
  const screenMessage = attributeOf(answer, "ScrMessage");
  return {
    result: Number(attributeOf(answer, "Result") ?? "1"),
    locked: attributeOf(answer, "Locked") === "1",
    attributes,
    ...(holder ? { holder } : {}),
    ...(whyLock ? { whyLock } : {}),
    ...(screenMessage ? { screenMessage } : {}),
  };
}

export function readTransactionsReply(xml: string): FarCardsTransactionsReply {
  const answer = answerElement(xml, "TRANSACTIONSEX");
  const [response] = childElements(answer, "OUTBUF").flatMap((buffer) => childElements(buffer, "TRRESPONSE"));
  const errorText = response ? attributeOf(response, "err_text") : undefined;
  return { result: Number(attributeOf(answer, "Result") ?? "1"), ...(errorText ? { errorText } : {}) };
}

async function post(url: string, body: string): Promise<string> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": FARCARDS_CONTENT_TYPE }, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

/** A till with ExtDllHTTP configured to `baseUrl` (GetCardInfoEx=getcardinfoex, TransactionsEx=transactionsex). */
export function farCardsClient(baseUrl: string) {
  const root = baseUrl.replace(/\/+$/, "");
  return {
    async getCardInfo(query: {
      card: string;
      restaurant: string;
      unit: string;
      check?: FarCardsCheckDocument;
    }): Promise<FarCardsCardInfoReply> {
      return readCardInfoReply(await post(`${root}/getcardinfoex`, farCardsCardInfoXml(query)));
    },
    async sendTransactions(check: FarCardsCheckDocument): Promise<FarCardsTransactionsReply> {
      return readTransactionsReply(await post(`${root}/transactionsex`, farCardsTransactionsXml(check)));
    },
  };
}
