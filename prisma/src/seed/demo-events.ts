// The demo business's events, so the Events pages of the Mini App, the bot and the admin view
// have something to show: a paid wine evening next week, a free chef's dinner for Silver guests
// the week after, and a draft New Year party. Times are the restaurant's evenings in Moscow.
// Run again once the published ones are past, it plans new ones; while any is still ahead it
// leaves them as they are (guests may have registered).
import { addDays, localDateOf, startOfLocalDay } from "@maxl/shared";
import type { TenantTx } from "../client.ts";
import { demoIds } from "./demo-ids.ts";

const TIME_ZONE = "Europe/Moscow";
const HOUR = 3_600_000;

/** 19:00 (or the given hour) in Moscow, `days` after today there. */
function evening(now: Date, days: number, hour = 19): Date {
  const day = startOfLocalDay(addDays(localDateOf(now, TIME_ZONE), days), TIME_ZONE);
  return new Date(day.getTime() + hour * HOUR);
}

export async function ensureDemoEvents(tx: TenantTx, tenantId: string, now: Date): Promise<number> {
  const ahead = await tx.event.count({ where: { status: "published", startsAt: { gt: now } } });
  if (ahead > 0) return 0;
  const wine = evening(now, 7);
  const dinner = evening(now, 14);
  // 22:00 on the coming 31 December (next year's once this one's has begun)
  const year = localDateOf(now, TIME_ZONE).year;
  const eveOf = (y: number) =>
    new Date(startOfLocalDay({ year: y, month: 12, day: 31 }, TIME_ZONE).getTime() + 22 * HOUR);
  const partyStart = eveOf(year) > now ? eveOf(year) : eveOf(year + 1);
  const events = [
    {
      restaurantId: demoIds.restaurantCentre,
      title: "Винный вечер: юг Франции",
      description: "Пять вин Лангедока и Прованса с сомелье и закуски от шефа. Расскажем, как выбирать вино к ужину.",
      startsAt: wine,
      endsAt: new Date(wine.getTime() + 3 * HOUR),
      capacity: 20,
      pricePoints: 300,
      attendanceBonusPoints: 50,
      registrationDeadline: new Date(wine.getTime() - 3 * HOUR),
      status: "published" as const,
      publishedAt: now,
    },
    {
      restaurantId: demoIds.restaurantRiver,
      title: "Ужин от шефа",
      description: "Сет из шести подач по новому меню. Только для гостей уровня «Серебро» и выше.",
      startsAt: dinner,
      endsAt: new Date(dinner.getTime() + 3 * HOUR),
      capacity: 12,
      minLevelId: demoIds.levelSilver,
      status: "published" as const,
      publishedAt: now,
    },
    {
      restaurantId: null,
      title: "Новогодняя вечеринка",
      description: "Диджей, игристое и подарки. Черновик: опубликуйте, когда будет готова программа.",
      startsAt: partyStart,
      endsAt: new Date(partyStart.getTime() + 5 * HOUR),
      capacity: 80,
      status: "draft" as const,
    },
  ];
  await tx.event.createMany({
    data: events.map((event) => ({ tenantId, createdByStaffId: demoIds.owner, ...event })),
  });
  return events.length;
}
