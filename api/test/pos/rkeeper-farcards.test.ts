import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdaptedEvent } from "../../src/core/pos/adapted-event.ts";
import { guestRefFromCardCode } from "../../src/core/pos/rkeeper/card-code.ts";
import {
  FARCARDS_CONTENT_TYPE,
  FarCardsFormatError,
  isFarCardsFormatError,
  parseFarCardsRequest,
  renderCardInfo,
  renderCardNotFound,
  renderTransactionsResult,
} from "../../src/core/pos/rkeeper/farcards-xml.ts";
import { farCardsTransactionEvents } from "../../src/core/pos/rkeeper/map-transactions.ts";
import { rkeeperSettingsSchema } from "../../src/core/pos/rkeeper/settings.ts";
import {
  farCardsClient,
  farCardsRefundCheck,
  farCardsSaleCheck,
  farCardsTransactionsXml,
  readCardInfoReply,
  readTransactionsReply,
} from "./fake-rkeeper.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/rkeeper/${name}`, import.meta.url), "utf8");
const settings = rkeeperSettingsSchema.parse({});
const SALE_ID = "9999/32fa0a30-877b-4dce-a80c-d29064f1ed8d";

function only(events: AdaptedEvent[]): AdaptedEvent {
  expect(events).toHaveLength(1);
  const [event] = events;
  if (!event) throw new Error("no event");
  return event;
}

function accepted(events: AdaptedEvent[]) {
  const event = only(events);
  if (event.status !== "accepted") throw new Error(`expected accepted, got ${event.status}: ${event.reason}`);
  return event;
}

function eventsOf(xml: string) {
  return farCardsTransactionEvents(parseFarCardsRequest("transactionsex", xml), settings);
}

describe("reading what r_keeper sends", () => {
  it("reads a getcardinfoex query with the till's check", () => {
    const request = parseFarCardsRequest("getcardinfoex", fixture("getcardinfoex-request.xml"));
    expect(request).toMatchObject({ kind: "getcardinfoex", card: "482913", restaurant: "9999", unitNo: "2" });
    expect(request.check).toMatchObject({ chmode: 5, restaurantCode: "199999999", orderNum: "1042/1" });
    expect(request.check?.lines).toEqual([{ name: 'Суп "Харчо"', code: "112", quantity: "1", sum: "450" }]);
  });

  it("reads the transactions of a closed check, kopecks and the cash date as r_keeper counts it", () => {
    const request = parseFarCardsRequest("transactionsex", fixture("transactionsex-sale.xml"));
    expect(request.transactions).toEqual([
      {
        card: "482913",
        kind: 3,
        summa: "245000",
        restaurant: "9999",
        personId: "0",
        account: "0",
        cashDate: "2026-11-21",
        unit: "2",
        checkNumber: "1042",
      },
    ]);
    expect(request.check).toMatchObject({
      chmode: 1,
      checkNum: "1042",
      checkGuid: "{32FA0A30-877B-4DCE-A80C-D29064F1ED8D}",
      closedAt: "2026-11-21T13:05:12",
    });
    expect(request.check?.lines.map((line) => line.name)).toEqual([
      'Суп "Харчо"',
      "Хачапури по-аджарски",
      "Лимонад & мята",
    ]);
  });

  it("reads element and attribute names without regard to case, as other FarCards tools write them", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
      <ROOT><Transactions>
        <TransactionsEx Card="482913" Kind="3" Summa="1500" Restaurant="12" RKDate="2026-11-21T00-00-00" RKUni="4" RKCheck="7"/>
      </Transactions>
      <InpBuf InpKind="1"><CHECK chmode="1"><CHECKDATA checkguid="{AB}"/></CHECK></InpBuf></ROOT>`;
    const request = parseFarCardsRequest("transactionsex", xml);
    expect(request.transactions).toEqual([
      { card: "482913", kind: 3, summa: "1500", restaurant: "12", cashDate: "2026-11-21", unit: "4", checkNumber: "7" },
    ]);
    expect(request.check).toMatchObject({ chmode: 1, checkGuid: "{AB}" });
  });

  it.each([
    ["not XML at all", "card=482913", /malformed XML/],
    ["an unclosed element", "<ROOT><QRY Card='1' Restaurant='1' UnitNo='1'></ROOT>", /malformed XML/],
    ["another root", "<QUERY Card='1'/>", /root element must be ROOT/],
    ["no QRY", "<ROOT/>", /no QRY/],
    ["no Card", "<ROOT><QRY Restaurant='9999' UnitNo='2'/></ROOT>", /QRY has no Card attribute/],
    [
      "a Card with spaces",
      "<ROOT><QRY Card='48 29' Restaurant='9999' UnitNo='2'/></ROOT>",
      /QRY Card must be a card number/,
    ],
    ["a Restaurant that is not a code", "<ROOT><QRY Card='1' Restaurant='x' UnitNo='2'/></ROOT>", /Restaurant/],
  ])("refuses a getcardinfoex body with %s", (_what, xml, message) => {
    expect(() => parseFarCardsRequest("getcardinfoex", xml)).toThrow(message);
  });

  it.each([
    ["no Summa", "<ROOT><TRANSACTION Card='1' Kind='3' Restaurant='1'/></ROOT>", /TRANSACTION #1 has no Summa/],
    ["a Summa in roubles", "<ROOT><TRANSACTION Card='1' Kind='3' Summa='24.50' Restaurant='1'/></ROOT>", /kopecks/],
    ["no Kind", "<ROOT><TRANSACTION Card='1' Summa='1' Restaurant='1'/></ROOT>", /has no Kind/],
  ])("refuses a transactionsex body with %s", (_what, xml, message) => {
    expect(() => parseFarCardsRequest("transactionsex", xml)).toThrow(message);
  });

  it("throws FarCardsFormatError, so the route can tell bad input from its own failures", () => {
    let caught: unknown;
    try {
      parseFarCardsRequest("transactionsex", "<ROOT><TRANSACTION");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FarCardsFormatError);
    expect(isFarCardsFormatError(caught)).toBe(true);
    expect(isFarCardsFormatError(new Error("other"))).toBe(false);
  });
});

describe("hostile documents", () => {
  it("refuses a DOCTYPE, so no entity can be defined, let alone expanded", () => {
    const lol = `<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">`;
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [${lol}]><ROOT><QRY Card="&lol2;" Restaurant="1" UnitNo="1"/></ROOT>`;
    expect(() => parseFarCardsRequest("getcardinfoex", xml)).toThrow(/DOCTYPE or ENTITY declaration is not allowed/);
  });

  it("decodes only XML's own entities and leaves others as text", () => {
    const xml = `<ROOT><QRY Card="482913" Restaurant="1" UnitNo="1"><INPBUF><CHECK chmode="5"><CHECKDATA><CHECKLINES>
      <LINE name="A &amp; B &#1046; &#x41; &nbsp; &amp;lt;" quantity="1" sum="1"/></CHECKLINES></CHECKDATA></CHECK></INPBUF></QRY></ROOT>`;
    const request = parseFarCardsRequest("getcardinfoex", xml);
    expect(request.check?.lines[0]?.name).toBe("A & B Ж A &nbsp; &lt;");
  });

  it("answers a huge attribute with a short error instead of falling over", () => {
    const card = "9".repeat(1_500_000);
    const started = Date.now();
    let message = "";
    try {
      parseFarCardsRequest("getcardinfoex", `<ROOT><QRY Card="${card}" Restaurant="1" UnitNo="1"/></ROOT>`);
    } catch (error) {
      expect(error).toBeInstanceOf(FarCardsFormatError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/QRY Card must be a card number, got "9{40}"… \(1500000 characters\)/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("refuses a document over the size limit before parsing it", () => {
    const xml = `<ROOT><QRY Card="1" Restaurant="1" UnitNo="1" DopInfo="${"x".repeat(2_000_001)}"/></ROOT>`;
    expect(() => parseFarCardsRequest("getcardinfoex", xml)).toThrow(/larger than 2000000 characters/);
  });
});

describe("answering r_keeper", () => {
  const card = {
    holder: "Анна",
    balancePoints: 1250,
    pointsLabel: settings.pointsLabel,
    state: "active" as const,
  };

  it("answers a known card in the documented shape", () => {
    expect(renderCardInfo(card)).toBe(fixture("getcardinfoex-response.xml"));
  });

  it("answers an unknown card with Result 1", () => {
    expect(renderCardNotFound("Гость не найден")).toBe(fixture("getcardinfoex-not-found-response.xml"));
  });

  it("answers transactions with Result 0, or Result 1 and the reason for the cashier", () => {
    expect(renderTransactionsResult({ ok: true })).toBe(fixture("transactionsex-ok-response.xml"));
    expect(renderTransactionsResult({ ok: false, message: "Сервис лояльности недоступен" })).toBe(
      fixture("transactionsex-error-response.xml"),
    );
  });

  it("writes text that reads back exactly, quotes and ampersands included", () => {
    const reply = readCardInfoReply(
      renderCardInfo({ ...card, holder: `Кафе "Ёлка" & <Co>`, message: "Скидка 5% & подарок" }),
    );
    expect(reply).toMatchObject({ result: 0, holder: `Кафе "Ёлка" & <Co>`, locked: false });
    expect(reply.screenMessage).toBe("Скидка 5% & подарок");
    expect(reply.attributes).toMatchObject({ summa: "0", dopinfo: "Баллы: 1250", stopdate: "0" });
  });

  it("fits the holder into r_keeper's 40-byte field and drops characters XML cannot carry", () => {
    const reply = readCardInfoReply(renderCardInfo({ ...card, holder: `Анна\u0007 ${"Я".repeat(60)}` }));
    expect(reply.holder).toBe(`Анна ${"Я".repeat(34)}`);
    expect(Array.from(reply.holder ?? "")).toHaveLength(39);
  });

  it("marks a blocked card Locked with the reason the cashier will see", () => {
    const reply = readCardInfoReply(
      renderCardInfo({ ...card, state: "blocked", reason: "Карта заблокирована администратором" }),
    );
    expect(reply).toMatchObject({ result: 0, locked: true, whyLock: "Карта заблокирована администратором" });
    const expired = readCardInfoReply(renderCardInfo({ ...card, state: "expired" }));
    expect(expired.attributes).toMatchObject({ stopdate: "1", locked: "0" });
  });

  it("re-reads the failure reason from the transactions answer", () => {
    expect(readTransactionsReply(renderTransactionsResult({ ok: false, message: "нет связи" }))).toEqual({
      result: 1,
      errorText: "нет связи",
    });
    expect(readTransactionsReply(renderTransactionsResult({ ok: true }))).toEqual({ result: 0 });
  });
});

describe("the card number the cashier enters", () => {
  it.each([
    ["482913", { code: "482913" }],
    [" 012345 ", { code: "012345" }],
    ["79991234567", { phone: "+79991234567" }],
    ["89991234567", { phone: "+79991234567" }],
    ["+79991234567", { phone: "+79991234567" }],
    ["9991234567", { phone: "+79991234567" }],
    ["mlq_AbCdEf0123456789_-xyz", { qrToken: "mlq_AbCdEf0123456789_-xyz" }],
  ])("reads %j as %j", (card, guest) => {
    expect(guestRefFromCardCode(card)).toEqual(guest);
  });

  it.each(["8002", "12345", "1234567", "1234567890", "799912345678", "mlq_short", "mlq_has space in it", "", "abc"])(
    "does not take %j for a guest",
    (card) => {
      expect(guestRefFromCardCode(card)).toBeNull();
    },
  );
});

describe("turning transactions into checks", () => {
  it("makes a closed sale an accepted sale for what the guest paid", () => {
    const event = accepted(eventsOf(fixture("transactionsex-sale.xml")));
    expect(event.eventId).toBe(`farcards:${SALE_ID}`);
    expect(event.check).toEqual({
      externalId: SALE_ID,
      type: "sale",
      amountMinor: 245000n,
      currency: "RUB",
      // 13:05:12 in Moscow
      closedAt: "2026-11-21T10:05:12.000Z",
      restaurantExternalId: "9999",
      guest: { code: "482913" },
      items: [
        { name: 'Суп "Харчо"', sku: "112", quantity: 2, amountMinor: 90000 },
        { name: "Хачапури по-аджарски", sku: "305", quantity: 1, amountMinor: 69000 },
        { name: "Лимонад & мята", sku: "501", quantity: 2, amountMinor: 86000 },
      ],
    });
    expect(event.raw).toEqual(parseFarCardsRequest("transactionsex", fixture("transactionsex-sale.xml")));
    expect(() => JSON.stringify(event.raw)).not.toThrow();
  });

  it("makes the return of that check a refund of it, at the time of the return", () => {
    const event = accepted(eventsOf(fixture("transactionsex-refund.xml")));
    expect(event.eventId).toBe(`farcards:${SALE_ID}/return`);
    expect(event.check).toMatchObject({
      externalId: `${SALE_ID}/return`,
      type: "refund",
      refundOf: SALE_ID,
      amountMinor: 245000n,
      closedAt: "2026-11-21T12:40:03.000Z",
      guest: { code: "482913" },
    });
  });

  it("gives the same check the same event id every time r_keeper sends it", () => {
    const sale = farCardsSaleCheck({ card: "482913", paidMinor: 99_000n });
    const first = only(eventsOf(farCardsTransactionsXml(sale)));
    const again = only(eventsOf(farCardsTransactionsXml(sale)));
    const other = only(eventsOf(farCardsTransactionsXml(farCardsSaleCheck({ card: "482913", paidMinor: 99_000n }))));
    expect(again.eventId).toBe(first.eventId);
    expect(other.eventId).not.toBe(first.eventId);
    const refund = only(eventsOf(farCardsTransactionsXml(farCardsRefundCheck({ sale }))));
    expect(refund.eventId).not.toBe(first.eventId);
  });

  it("keeps a bill printed for a check apart from the sale that closes it", () => {
    const sale = farCardsSaleCheck({ card: "482913", paidMinor: 5_000n });
    const bill = only(eventsOf(farCardsTransactionsXml({ ...sale, chmode: 6 })));
    const closed = only(eventsOf(farCardsTransactionsXml(sale)));
    expect(bill.status).toBe("ignored");
    expect(closed.status).toBe("accepted");
    expect(bill.eventId).not.toBe(closed.eventId);
  });

  it("gives a call it cannot tie to a check an id that still repeats with the call", () => {
    const xml = "<ROOT><TRANSACTION Card='482913' Kind='3' Summa='100' Restaurant='1'/></ROOT>";
    const first = only(eventsOf(xml));
    expect(first).toMatchObject({ status: "rejected", reason: expect.stringMatching(/cannot identify the check/) });
    expect(only(eventsOf(xml)).eventId).toBe(first.eventId);
    expect(only(eventsOf(xml.replace("100", "101"))).eventId).not.toBe(first.eventId);
  });

  it("identifies a check without a guid by restaurant, cash date, till and number", () => {
    const sale = { ...farCardsSaleCheck({ card: "482913", paidMinor: 5_000n, checkNumber: 77 }), checkGuid: undefined };
    expect(accepted(eventsOf(farCardsTransactionsXml(sale))).check.externalId).toBe("9999/2026-11-21/2/77");
  });

  it("rejects a return it cannot tie to its sale", () => {
    const sale = farCardsSaleCheck({ card: "482913", paidMinor: 5_000n });
    const refund = { ...farCardsRefundCheck({ sale }), checkGuid: undefined };
    const event = only(eventsOf(farCardsTransactionsXml(refund)));
    expect(event).toMatchObject({ status: "rejected", reason: expect.stringMatching(/without checkguid/) });
  });

  it("treats a rolled-back sale as a refund of it, apart from a later return", () => {
    const sale = farCardsSaleCheck({ card: "482913", paidMinor: 5_000n });
    const rollback = { ...farCardsRefundCheck({ sale }), chmode: 2 };
    const event = accepted(eventsOf(farCardsTransactionsXml(rollback)));
    const saleId = accepted(eventsOf(farCardsTransactionsXml(sale))).check.externalId;
    expect(event.check).toMatchObject({ type: "refund", refundOf: saleId, externalId: `${saleId}/rollback` });
  });

  it("takes the guest from a phone typed as the card, and leaves an unknown card unidentified", () => {
    const byPhone = accepted(
      eventsOf(farCardsTransactionsXml(farCardsSaleCheck({ card: "89991234567", paidMinor: 100n }))),
    );
    expect(byPhone.check.guest).toEqual({ phone: "+79991234567" });
    const unknown = accepted(eventsOf(farCardsTransactionsXml(farCardsSaleCheck({ card: "8002", paidMinor: 100n }))));
    expect(unknown.check.guest).toBeUndefined();
  });

  it.each([
    [
      "a bill printed before paying (chmode 6)",
      (c: ReturnType<typeof farCardsSaleCheck>) => ({ ...c, chmode: 6 }),
      /chmode 6/,
    ],
    [
      "only a discount on the card (Kind 1)",
      (c: ReturnType<typeof farCardsSaleCheck>) => ({
        ...c,
        transactions: [{ card: "482913", kind: 1, summaMinor: -500n }],
      }),
      /no guest payment/,
    ],
  ])("ignores %s", (_what, change, reason) => {
    const event = only(
      eventsOf(farCardsTransactionsXml(change(farCardsSaleCheck({ card: "482913", paidMinor: 100n })))),
    );
    expect(event).toMatchObject({ status: "ignored", reason: expect.stringMatching(reason) });
  });

  it.each([
    [
      "a payment from the card's account (Kind 0)",
      (c: ReturnType<typeof farCardsSaleCheck>) => ({
        ...c,
        transactions: [...c.transactions, { card: "482913", kind: 0, summaMinor: -300n }],
      }),
      /Kind 0/,
    ],
    [
      "the rollback of a return (chmode 4)",
      (c: ReturnType<typeof farCardsSaleCheck>) => ({ ...c, chmode: 4 }),
      /chmode 4/,
    ],
    [
      "two loyalty cards on one check",
      (c: ReturnType<typeof farCardsSaleCheck>) => ({
        ...c,
        transactions: [...c.transactions, { card: "111111", kind: 3, summaMinor: 100n }],
      }),
      /several loyalty cards/,
    ],
  ])("rejects %s for an admin to see", (_what, change, reason) => {
    const event = only(
      eventsOf(farCardsTransactionsXml(change(farCardsSaleCheck({ card: "482913", paidMinor: 100n })))),
    );
    expect(event).toMatchObject({ status: "rejected", reason: expect.stringMatching(reason) });
  });

  it("keeps the check when a line cannot be read, and leaves the line out", () => {
    const sale = farCardsSaleCheck({
      card: "482913",
      paidMinor: 100n,
      lines: [
        { name: "Чай", code: "1", quantity: 1, sumMinor: 100n },
        { name: "Возврат тары", code: "2", quantity: 1, sumMinor: -50n },
      ],
    });
    expect(accepted(eventsOf(farCardsTransactionsXml(sale))).check.items).toEqual([
      { name: "Чай", sku: "1", quantity: 1, amountMinor: 100 },
    ]);
  });

  it("reads r_keeper's local times in the integration's time zone", () => {
    const sale = farCardsSaleCheck({ card: "482913", paidMinor: 100n, closedAt: "2026-07-01T09:30:00" });
    const vladivostok = rkeeperSettingsSchema.parse({ timeZone: "Asia/Vladivostok", currency: "RUB" });
    const request = parseFarCardsRequest("transactionsex", farCardsTransactionsXml(sale));
    expect(accepted(farCardsTransactionEvents(request, vladivostok)).check.closedAt).toBe("2026-06-30T23:30:00.000Z");
  });
});

describe("settings", () => {
  it("defaults to roubles in Moscow", () => {
    expect(rkeeperSettingsSchema.parse({})).toEqual({
      currency: "RUB",
      restaurantMap: {},
      timeZone: "Europe/Moscow",
      pointsLabel: "Баллы",
    });
  });

  it("refuses an unknown time zone and a restaurant map that does not point at our restaurants", () => {
    expect(rkeeperSettingsSchema.safeParse({ timeZone: "Mars/Olympus" }).success).toBe(false);
    expect(rkeeperSettingsSchema.safeParse({ restaurantMap: { "9999": "not-a-uuid" } }).success).toBe(false);
    expect(
      rkeeperSettingsSchema.safeParse({ restaurantMap: { "9999": "0190f3a0-0000-7000-8000-000000000001" } }).success,
    ).toBe(true);
  });
});

describe("a till talking to a FarCards endpoint", () => {
  // Stands in for our HTTP routes: parse, map, answer, exactly as the real route will.
  let url = "";
  const received: AdaptedEvent[] = [];
  const contentTypes: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      contentTypes.push(request.headers["content-type"] ?? "");
      const body = Buffer.concat(chunks).toString("utf8");
      let answer: string;
      if (request.url === "/getcardinfoex") {
        const query = parseFarCardsRequest("getcardinfoex", body);
        answer =
          query.card === "482913"
            ? renderCardInfo({ holder: "Анна", balancePoints: 1250, pointsLabel: "Баллы", state: "active" })
            : renderCardNotFound("Гость не найден");
      } else {
        received.push(...farCardsTransactionEvents(parseFarCardsRequest("transactionsex", body), settings));
        answer = renderTransactionsResult({ ok: true });
      }
      response.writeHead(200, { "Content-Type": FARCARDS_CONTENT_TYPE });
      response.end(answer);
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("looks a card up and sends the sale and its return", async () => {
    const till = farCardsClient(url);
    expect(await till.getCardInfo({ card: "482913", restaurant: "9999", unit: "2" })).toMatchObject({
      result: 0,
      holder: "Анна",
      screenMessage: "Баллы: 1250",
    });
    expect(await till.getCardInfo({ card: "8002", restaurant: "9999", unit: "2" })).toMatchObject({ result: 1 });

    const sale = farCardsSaleCheck({ card: "482913", paidMinor: 150_000n });
    expect(await till.sendTransactions(sale)).toEqual({ result: 0 });
    expect(await till.sendTransactions(farCardsRefundCheck({ sale, at: "2026-11-21T18:00:00" }))).toEqual({
      result: 0,
    });
    const [saleEvent, refundEvent] = received;
    expect(saleEvent).toMatchObject({ status: "accepted", check: { type: "sale", amountMinor: 150_000n } });
    expect(refundEvent).toMatchObject({
      status: "accepted",
      check: { type: "refund", refundOf: saleEvent?.status === "accepted" ? saleEvent.check.externalId : "?" },
    });
    expect(contentTypes.every((type) => type === FARCARDS_CONTENT_TYPE)).toBe(true);
  });
});
