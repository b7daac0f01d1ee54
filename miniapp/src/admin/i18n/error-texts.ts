// The sentences for the API's `messageKey`s, in English and Russian. A key names one refusal
// for good (the bot uses the same key for its own texts when it can meet the refusal, which is
// why those start with "error-"); the English `detail` from the API stays the fallback for a key
// this table does not know. A text may be a function of the problem's `messageVars`. The
// admin-error-keys test checks that every key the API throws has both sentences here, and that
// no sentence stays here for a key nobody throws.
import { plural } from "./plural.ts";

export type MessageVars = Record<string, string | number | undefined>;
export type KeyedText = string | ((vars: MessageVars) => string);

const seconds = (value: unknown) => Math.max(1, Number(value) || 0);

/** "45 seconds" / "3 minutes", as the lockout's English detail says it. */
function wait(value: unknown, locale: "ru" | "en"): string {
  const s = seconds(value);
  if (locale === "en") return s < 120 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`;
  if (s < 120) return `${s} ${plural(s, "секунду", "секунды", "секунд")}`;
  const m = Math.ceil(s / 60);
  return `${m} ${plural(m, "минуту", "минуты", "минут")}`;
}

const points = (value: unknown) => {
  const n = Number(value);
  return `${n} ${plural(n, "балл", "балла", "баллов")}`;
};

const en = {
  "session-ended": "Your session has ended. Sign in again.",
  "session-expired": "Your session has expired. Sign in again.",
  "sign-in-required": "Sign in to continue.",
  "session-access-changed":
    "Your access has changed (role, restaurants or password), or your sessions were ended. The page has been updated to match; if it was not, sign in again.",
  "account-deactivated": "Your account has been deactivated. Ask an owner or administrator if this is a mistake.",
  "session-password-changed": "Your password was changed, so this session was closed. Sign in with the new password.",
  "session-reused":
    "Your session was used from somewhere else after it was renewed, so it was closed everywhere. Sign in again; if it was not you, change your password.",
  "session-password-reset":
    "An owner or administrator issued a password reset for you, so this session was closed. Sign in again, or set a new password with the link they give you.",
  "session-ended-by-admin": "An owner or administrator ended your sessions. Sign in again.",
  "session-signed-out-everywhere": "You signed out on all devices, so this session was closed. Sign in again.",
  "link-unusable": "This link has expired or has already been used. Ask an owner or administrator for a new one.",
  "password-length": "The password must be 10 to 200 characters long.",
  "last-owner": "This is the only active owner. Make someone else an owner first.",
  "staff-role-forbidden": "Your role may not manage staff with this role.",
  "plan-limit": "Your plan's limit is reached. Choose a larger plan on the Billing page to add more.",
  "billing-not-configured": "Payments are not set up on this platform yet. Contact support.",
  "billing-plan-paid": "This plan is already paid for the current period; it renews by itself.",
  "billing-resume-instead":
    "This plan is paid until the end of the period. Resume the subscription instead of buying it again.",
  "billing-key-reused": "This purchase was already started for another plan. Reload the page and choose again.",
  "billing-no-receipt-contact": "The business has no active owner to send the receipt to. Make someone an owner first.",
  "billing-email-invalid": "Enter an e-mail address for the receipts, like name@example.com.",
  "billing-yookassa-unreachable": "YooKassa did not answer. Try again in a minute.",
  "billing-yookassa-refused-payment": "YooKassa refused the payment. Please contact support.",
  "billing-yookassa-refused-refund": "YooKassa refused the refund. Please contact support.",
  "billing-payment-unknown": "There is no such payment.",
  "billing-refund-unpaid": "Only a completed payment can be refunded.",
  "billing-refunded-in-full": "This payment has already been refunded in full.",
  "billing-refund-too-much": "That is more than is left to refund on this payment.",
  "billing-nothing-to-cancel": "Only a paid subscription can be cancelled.",
  "billing-subscription-ended": "The subscription has already ended. Choose a plan to subscribe again.",
  "error-plan-guest-limit":
    "This guest joined beyond your plan's guest limit and the plan is unpaid or expired, so they cannot earn points. Pay or upgrade on the Billing page.",
  "error-event-closed": "This event is cancelled or over; it can no longer be changed.",
  "error-event-checked-in":
    "Guests have already been checked in at this event, so it cannot be cancelled. Finish it instead.",
  "error-event-started": "This event has already begun. Move its start to a later time to publish it.",
  "error-event-scope": "This event belongs to a restaurant you do not work for.",
  "error-till-restaurant-scope": "You do not work at this restaurant. Choose one of yours.",
  "error-till-restaurant-required": "You work at several restaurants: choose where this check is.",
  "error-till-no-restaurant": "None of the restaurants you work at is open. Open one on the Restaurants page.",
  "error-event-unknown": "This event no longer exists.",
  "error-broadcast-unknown": "This broadcast no longer exists.",
  "error-broadcast-scope": "This broadcast reaches guests of restaurants you do not work for.",
  "error-broadcast-not-draft":
    "This broadcast has already been sent or scheduled; only a draft can be changed or sent.",
  "error-broadcast-sent": "This broadcast has been sent; it can no longer be cancelled.",
  "error-broadcast-no-bot":
    "Connect the business's Telegram bot first (Telegram bot page): broadcasts are sent through it.",
  "error-broadcast-empty": "No guest matches this audience now, so there is nobody to send it to.",
  "error-broadcast-restricted":
    "Broadcasts are paused while the subscription is unpaid or cancelled. Pay or choose a plan on the Billing page.",
  "error-broadcast-no-telegram":
    "Your Telegram is not linked to the bot yet. Ask for a staff invite link (Staff page) and open it in Telegram.",
  "error-broadcast-test-blocked":
    "Telegram says you have not started the bot (or blocked it). Open the bot, press Start, and try again.",
  "error-event-cancelled": "This event is cancelled.",
  "error-event-draft": "This event is a draft. Publish it first.",
  "error-checkin-not-registered": "This guest is not registered for this event.",
  "error-checkin-waitlisted": "This guest is only on the waitlist and has no place.",
  "error-checkin-not-open": "Check-in has not opened yet: it opens 12 hours before the event starts.",
  "error-checkin-closed": "Check-in is closed: it closes 24 hours after the event ends.",
  "error-guest-unknown": "There is no such guest in the program.",
  "error-code-unknown": "No guest has this code now. Codes last a few minutes; ask the guest for a fresh one.",
  "error-phone-invalid": "That does not look like a phone number. Example: +7 999 123-45-67.",
  "error-phone-unknown": "No guest with this phone number is in the program.",
  csrf: "The page is out of date. Reload it and try again.",
  "session-raced": "The session was renewed at the same moment in another tab. Try again.",
  "session-till-only":
    "This session was opened from Telegram and may only use the till. Sign in with your e-mail and password for anything else.",
  "role-forbidden": "Your role may not do this.",
  "login-locked": (v) =>
    `Too many wrong passwords. Try again in ${wait(v.seconds, "en")}, or ask an owner to send you a password link.`,
  "sign-in-wrong": "Wrong e-mail or password.",
  "sign-in-choose-business": "This e-mail works for several businesses; choose one.",
  "telegram-not-staff": (v) =>
    `This Telegram account is not linked to a staff member of ${v.business}. Ask a manager for an invite link.`,
  "too-many-requests": "Too many requests. Wait a little and try again.",
  "body-too-large": "The request is too large.",
  "request-unreadable": "The request could not be read. Reload the page and try again.",
  "fields-invalid": "Check the highlighted fields.",
  "cursor-invalid": "The list has changed. Start again from the first page.",
  "business-unknown": "There is no such business.",
  "billing-plan-unknown": "Choose one of the plans on offer.",
  "billing-notification-unsupported": "Billing does not handle this kind of YooKassa notification.",
  "bot-telegram-unreachable": "Telegram could not be reached to check the token. Try again in a minute.",
  "bot-token-refused": "Telegram does not accept this token. Copy it again from @BotFather.",
  "bot-token-malformed": 'A bot token looks like "123456789:AA..." — copy it from @BotFather.',
  "bot-taken": "This bot is already connected to another business. Create a new bot with @BotFather.",
  "bot-not-connected": "No bot is connected. Connect one on the Telegram bot page.",
  "bot-webhook-refused": (v) => `Telegram refused to set the webhook: ${v.reason}`,
  "bot-webhook-polling": "This platform runs bots with long polling, so there is no webhook to set.",
  "bot-token-revoked":
    "Telegram no longer accepts this bot's token (was it revoked in @BotFather?). Connect the bot again with a new token.",
  "telegram-unreachable": "Telegram could not be reached. Try again in a minute.",
  "telegram-slow-down": "Telegram asks us to slow down. Try again in a little while.",
  "broadcast-schedule-range": "Schedule the broadcast in the future, at most 90 days ahead.",
  "broadcast-test-interval": (v) => `One test message every ${v.seconds} seconds. Wait a little and try again.`,
  "broadcast-telegram-refused": (v) => `Telegram refused the message: ${v.reason}`,
  "period-dates-invalid": "The period's dates are not valid dates.",
  "period-reversed": "The period ends before it starts.",
  "period-too-long": "The period is longer than three years; choose a shorter one.",
  "event-cover-type": "A cover must be a JPEG, PNG or WebP image.",
  "event-cover-too-large": "A cover may be at most 2 MB.",
  "event-cover-unreadable": "This file is not a picture of the type it claims to be. Save it again and retry.",
  "event-cover-none": "This event has no cover.",
  "error-event-finished": "This event is over.",
  "error-event-deadline": "Registration for this event has closed.",
  "error-event-level": (v) => `This event is for guests of level ${v.level} and above.`,
  "error-event-not-enough-points": (v) =>
    `Not enough points: the event costs ${v.price} points, the guest has ${v.available}.`,
  "error-registration-checked-in":
    "The guest has been checked in at this event; the registration can no longer be cancelled.",
  "guest-import-file-invalid": "This file cannot be read as a guest list. Save it as CSV (UTF-8) and try again.",
  "guest-import-not-csv": "Choose a CSV file.",
  "guest-import-too-large": "The file is too large. Split it into smaller files.",
  "guest-import-unknown": "There is no such guest import.",
  "guest-import-staff-only": "Only a staff member may import guests.",
  "error-birthday-locked":
    "The birthday is already set and only the restaurant can change it, because birthday bonuses depend on it.",
  "error-birthday-invalid": "That date does not look like a birthday.",
  "error-name-invalid": "That does not look like a name.",
  "error-phone-taken": "This number belongs to another card in the program. Merge the cards first.",
  "error-registration-incomplete": "Registration needs consent, a name and a phone number first.",
  "error-qr-expired": "The QR code has expired or was already used. Ask the guest to refresh their card.",
  "error-invite-invalid": "This invite link is not valid for this bot.",
  "error-invite-used": "This invite link has already been used. Create a new one.",
  "error-invite-expired": "This invite link has expired. Create a new one.",
  "error-invite-inactive": "This staff account is deactivated.",
  "error-telegram-linked": "This Telegram account is already linked to another staff member.",
  "error-idempotency-reuse": "A repeat with different data. Start the operation again.",
  "error-currency": (v) => `The program counts in ${v.expected}, the check is in ${v.got}.`,
  "error-share-limit": (v) => `Points can pay at most ${v.limit} points (${v.share}% of the check).`,
  "error-hold-limit": (v) => `This quote allows at most ${v.max} points.`,
  "error-not-enough-points": (v) => `The guest has only ${v.available} points available now. Quote again.`,
  "error-quote-unknown": "There is no such quote for this guest. Enter the amount again.",
  "error-quote-expired": "This quote has expired. Enter the amount again.",
  "error-quote-used": "This quote has already been used.",
  "error-quote-replaced": "A newer quote replaced this one.",
  "error-quote-amount": "The amount differs from the quote. Quote again.",
  "error-check-unknown": "There is no such check in this program.",
  "error-refund-of-refund": "This is a refund already; refund the original check.",
  "error-check-no-guest": "No guest was identified on this check, so it moved no points to refund.",
  "error-already-refunded": "This check has already been refunded in full.",
  "error-refund-too-much": (v) => `Only ${v.left} of this check is left to refund.`,
  "error-cashier-refund-window": (v) =>
    `A cashier can undo only their own operation within ${v.minutes} minutes. Ask a manager.`,
  "error-restaurant-unknown": "There is no such restaurant in this business.",
  "error-restaurant-inactive": "This restaurant is closed in the program settings.",
  "error-restaurant-scope": "You do not work for this restaurant.",
  "points-adjust-too-many": (v) => `The guest has only ${v.available} points that can be removed.`,
  "level-unknown": "There is no such level in this program.",
  "manual-level-until": "A manual level needs an end date in the future.",
  "manual-level-none": "This guest has no manual level to end.",
  "program-changed":
    "The program was changed by someone else since you opened it. Reload the page and make your changes again.",
  "program-level-unknown": "A level named in the program no longer exists. Reload the page.",
  "program-level-busy": (v) =>
    `The level "${v.level}" cannot be removed: ${v.guests} ${Number(v.guests) === 1 ? "guest is" : "guests are"} on it. Keep the level, or lower its threshold instead.`,
  "pos-integration-unknown": "There is no such POS integration.",
  "pos-restaurant-unknown": "A restaurant named in the settings is not one of this business's.",
  "pos-api-login-iiko-only": "Only an iiko integration has an API login.",
  "pos-body-not-json": "The body is not JSON (UTF-8). Send the check as a JSON object.",
  "pos-event-unknown": "There is no such POS event.",
  "pos-event-not-replayable": "Only dead or rejected events can be replayed.",
  "pos-event-unreadable": "This event could not be read as a check at all; replaying it cannot help.",
  "pos-check-retry-later":
    "The check could not be credited just now; it will be retried automatically in a few minutes.",
  "error-pos-check-unknown": "There is no such POS check.",
  "error-pos-check-not-waiting": "This check is no longer waiting for a guest.",
  "error-pos-check-too-old": (v) =>
    `This check closed more than ${v.hours} hours ago; it can no longer be attached to a guest.`,
  "staff-unknown": "There is no such staff member.",
  "staff-inactive": "This staff member is deactivated; activate them first.",
  "staff-email-taken": "Someone with this e-mail already works for the business.",
  "staff-own-role": "You cannot change your own role; ask another owner.",
  "staff-self-deactivate": "You cannot deactivate yourself.",
  "staff-restaurants-not-for-role":
    "Owners and administrators work for every restaurant; restaurants apply to managers and cashiers.",
  "staff-restaurant-unknown": "One of the restaurants does not exist.",
  "staff-invite-no-bot": "Connect the business's Telegram bot first: the invite link opens that bot.",
} satisfies Record<string, KeyedText>;

export type ErrorKey = keyof typeof en;

const ru: Record<ErrorKey, KeyedText> = {
  "session-ended": "Сеанс закончился. Войдите снова.",
  "session-expired": "Сеанс истёк. Войдите снова.",
  "sign-in-required": "Войдите, чтобы продолжить.",
  "session-access-changed":
    "Ваш доступ изменился (роль, рестораны или пароль) или ваши сеансы завершили. Страница обновлена под новый доступ; если нет — войдите снова.",
  "account-deactivated": "Ваша учётная запись отключена. Если это ошибка, обратитесь к владельцу или администратору.",
  "session-password-changed": "Ваш пароль сменили, поэтому этот сеанс закрыт. Войдите с новым паролем.",
  "session-reused":
    "Ваш сеанс использовали с другого устройства после обновления, поэтому он закрыт везде. Войдите снова; если это были не вы, смените пароль.",
  "session-password-reset":
    "Владелец или администратор выдал вам ссылку для сброса пароля, поэтому этот сеанс закрыт. Войдите снова или задайте новый пароль по полученной ссылке.",
  "session-ended-by-admin": "Владелец или администратор завершил ваши сеансы. Войдите снова.",
  "session-signed-out-everywhere": "Вы вышли на всех устройствах, поэтому этот сеанс закрыт. Войдите снова.",
  "link-unusable": "Ссылка устарела или уже использована. Попросите владельца или администратора прислать новую.",
  "password-length": "Пароль должен быть от 10 до 200 символов.",
  "last-owner": "Это единственный активный владелец. Сначала назначьте владельцем кого-то ещё.",
  "staff-role-forbidden": "Вашей роли нельзя управлять сотрудниками с этой ролью.",
  "plan-limit": "Достигнут лимит тарифа. Чтобы добавить больше, выберите тариф побольше на странице «Оплата».",
  "billing-not-configured": "Оплата на платформе ещё не настроена. Обратитесь в поддержку.",
  "billing-plan-paid": "Этот тариф уже оплачен на текущий период; он продлится сам.",
  "billing-resume-instead": "Этот тариф оплачен до конца периода. Возобновите подписку вместо повторной покупки.",
  "billing-key-reused": "Эта покупка уже начата для другого тарифа. Обновите страницу и выберите снова.",
  "billing-no-receipt-contact":
    "У бизнеса нет активного владельца, которому отправить чек. Сначала назначьте владельца.",
  "billing-email-invalid": "Укажите адрес электронной почты для чеков, например name@example.com.",
  "billing-yookassa-unreachable": "ЮKassa не ответила. Попробуйте через минуту.",
  "billing-yookassa-refused-payment": "ЮKassa отказала в платеже. Обратитесь в поддержку.",
  "billing-yookassa-refused-refund": "ЮKassa отказала в возврате. Обратитесь в поддержку.",
  "billing-payment-unknown": "Такого платежа нет.",
  "billing-refund-unpaid": "Вернуть можно только завершённый платёж.",
  "billing-refunded-in-full": "Этот платёж уже возвращён полностью.",
  "billing-refund-too-much": "Это больше, чем осталось вернуть по этому платежу.",
  "billing-nothing-to-cancel": "Отменить можно только оплаченную подписку.",
  "billing-subscription-ended": "Подписка уже закончилась. Выберите тариф, чтобы подписаться снова.",
  "error-plan-guest-limit":
    "Гость присоединился сверх лимита гостей тарифа, а тариф не оплачен или закончился, поэтому баллы ему не начисляются. Оплатите или смените тариф на странице «Оплата».",
  "error-event-closed": "Событие отменено или уже прошло, изменить его нельзя.",
  "error-event-checked-in": "На это событие уже отмечены гости, отменить его нельзя. Завершите его.",
  "error-event-started": "Событие уже началось. Чтобы опубликовать, перенесите начало на более позднее время.",
  "error-event-scope": "Это событие ресторана, в котором вы не работаете.",
  "error-till-restaurant-scope": "Вы не работаете в этом ресторане. Выберите один из своих.",
  "error-till-restaurant-required": "Вы работаете в нескольких ресторанах: выберите, где этот чек.",
  "error-till-no-restaurant": "Ни один из ваших ресторанов не открыт. Откройте ресторан на странице «Рестораны».",
  "error-event-unknown": "Этого события больше нет.",
  "error-broadcast-unknown": "Этой рассылки больше нет.",
  "error-broadcast-scope": "Эта рассылка адресована гостям ресторанов, в которых вы не работаете.",
  "error-broadcast-not-draft":
    "Эта рассылка уже отправлена или запланирована; менять и отправлять можно только черновик.",
  "error-broadcast-sent": "Эта рассылка уже отправлена, отменить её нельзя.",
  "error-broadcast-no-bot":
    "Сначала подключите Telegram-бота заведения (страница «Telegram-бот»): рассылки идут через него.",
  "error-broadcast-empty": "Под эти условия сейчас не подходит ни один гость — отправлять некому.",
  "error-broadcast-restricted":
    "Рассылки приостановлены, пока подписка не оплачена или отменена. Оплатите или выберите тариф на странице «Оплата».",
  "error-broadcast-no-telegram":
    "Ваш Telegram ещё не привязан к боту. Попросите ссылку-приглашение (страница «Сотрудники») и откройте её в Telegram.",
  "error-broadcast-test-blocked":
    "Telegram сообщает, что вы не запустили бота (или заблокировали его). Откройте бота, нажмите «Старт» и попробуйте снова.",
  "error-event-cancelled": "Это событие отменено.",
  "error-event-draft": "Это черновик. Сначала опубликуйте событие.",
  "error-checkin-not-registered": "Этот гость не записан на событие.",
  "error-checkin-waitlisted": "Этот гость только в листе ожидания, места у него нет.",
  "error-checkin-not-open": "Отмечать гостей пока рано: отметка открывается за 12 часов до начала события.",
  "error-checkin-closed": "Отметка гостей закрыта: она закрывается через 24 часа после окончания события.",
  "error-guest-unknown": "Такого гостя в программе нет.",
  "error-code-unknown":
    "Сейчас ни у одного гостя нет такого кода. Код живёт несколько минут — попросите гостя показать новый.",
  "error-phone-invalid": "Это не похоже на номер телефона. Пример: +7 999 123-45-67.",
  "error-phone-unknown": "Гостя с таким номером в программе нет.",
  csrf: "Страница устарела. Обновите её и попробуйте снова.",
  "session-raced": "Сеанс обновился в ту же секунду в другой вкладке. Попробуйте ещё раз.",
  "session-till-only":
    "Этот сеанс открыт из Telegram, в нём доступна только касса. Для остального войдите по e-mail и паролю.",
  "role-forbidden": "Вашей роли это недоступно.",
  "login-locked": (v) =>
    `Слишком много неверных паролей. Попробуйте через ${wait(v.seconds, "ru")} или попросите владельца прислать ссылку для входа.`,
  "sign-in-wrong": "Неверный e-mail или пароль.",
  "sign-in-choose-business": "С этим e-mail вы работаете в нескольких заведениях — выберите одно.",
  "telegram-not-staff": (v) =>
    `Этот аккаунт Telegram не привязан к сотруднику заведения «${v.business}». Попросите у менеджера ссылку-приглашение.`,
  "too-many-requests": "Слишком много запросов. Подождите немного и попробуйте снова.",
  "body-too-large": "Запрос слишком большой.",
  "request-unreadable": "Не удалось прочитать запрос. Обновите страницу и попробуйте снова.",
  "fields-invalid": "Проверьте отмеченные поля.",
  "cursor-invalid": "Список изменился. Начните с первой страницы.",
  "business-unknown": "Такого заведения нет.",
  "billing-plan-unknown": "Выберите один из предложенных тарифов.",
  "billing-notification-unsupported": "Такие уведомления ЮKassa оплата не обрабатывает.",
  "bot-telegram-unreachable": "Не удалось связаться с Telegram, чтобы проверить токен. Попробуйте через минуту.",
  "bot-token-refused": "Telegram не принимает этот токен. Скопируйте его заново у @BotFather.",
  "bot-token-malformed": "Токен бота выглядит так: «123456789:AA...» — скопируйте его у @BotFather.",
  "bot-taken": "Этот бот уже подключён к другому заведению. Создайте нового бота у @BotFather.",
  "bot-not-connected": "Бот не подключён. Подключите его на странице «Telegram-бот».",
  "bot-webhook-refused": (v) => `Telegram отказался установить вебхук: ${v.reason}`,
  "bot-webhook-polling": "На этой платформе боты получают обновления опросом (long polling), вебхук им не нужен.",
  "bot-token-revoked":
    "Telegram больше не принимает токен этого бота (его отозвали в @BotFather?). Подключите бота заново с новым токеном.",
  "telegram-unreachable": "Не удалось связаться с Telegram. Попробуйте через минуту.",
  "telegram-slow-down": "Telegram просит отправлять реже. Попробуйте чуть позже.",
  "broadcast-schedule-range": "Запланируйте рассылку на будущее время, не дальше чем через 90 дней.",
  "broadcast-test-interval": (v) =>
    `Тестовое сообщение можно отправлять раз в ${v.seconds} ${plural(Number(v.seconds), "секунду", "секунды", "секунд")}. Подождите немного.`,
  "broadcast-telegram-refused": (v) => `Telegram отклонил сообщение: ${v.reason}`,
  "period-dates-invalid": "Даты периода указаны неверно.",
  "period-reversed": "Период заканчивается раньше, чем начинается.",
  "period-too-long": "Период длиннее трёх лет — выберите покороче.",
  "event-cover-type": "Обложка должна быть картинкой JPEG, PNG или WebP.",
  "event-cover-too-large": "Обложка может весить не больше 2 МБ.",
  "event-cover-unreadable": "Файл не является картинкой заявленного типа. Сохраните его заново и попробуйте снова.",
  "event-cover-none": "У этого события нет обложки.",
  "error-event-finished": "Это событие уже прошло.",
  "error-event-deadline": "Запись на это событие уже закрыта.",
  "error-event-level": (v) => `Это событие для гостей уровня «${v.level}» и выше.`,
  "error-event-not-enough-points": (v) =>
    `Не хватает баллов: событие стоит ${points(v.price)}, у гостя ${points(v.available)}.`,
  "error-registration-checked-in": "Гостя уже отметили на этом событии, отменить запись нельзя.",
  "guest-import-file-invalid":
    "Этот файл не читается как список гостей. Сохраните его в CSV (UTF-8) и попробуйте снова.",
  "guest-import-not-csv": "Выберите файл CSV.",
  "guest-import-too-large": "Файл слишком большой. Разделите его на несколько файлов поменьше.",
  "guest-import-unknown": "Такой загрузки гостей нет.",
  "guest-import-staff-only": "Загружать гостей может только сотрудник.",
  "error-birthday-locked":
    "День рождения уже указан, и изменить его может только ресторан: от него зависят бонусы ко дню рождения.",
  "error-birthday-invalid": "Эта дата не похожа на день рождения.",
  "error-name-invalid": "Это не похоже на имя.",
  "error-phone-taken": "Этот номер уже привязан к другой карте программы. Сначала объедините карты.",
  "error-registration-incomplete": "Для регистрации нужны согласие, имя и номер телефона.",
  "error-qr-expired": "QR-код устарел или уже использован. Попросите гостя обновить карту.",
  "error-invite-invalid": "Эта ссылка-приглашение не подходит для этого бота.",
  "error-invite-used": "Эта ссылка-приглашение уже использована. Создайте новую.",
  "error-invite-expired": "Срок действия ссылки-приглашения истёк. Создайте новую.",
  "error-invite-inactive": "Эта учётная запись сотрудника отключена.",
  "error-telegram-linked": "Этот аккаунт Telegram уже привязан к другому сотруднику.",
  "error-idempotency-reuse": "Повтор с другими данными. Начните операцию заново.",
  "error-currency": (v) => `Программа считает в ${v.expected}, а чек в ${v.got}.`,
  "error-share-limit": (v) => `Баллами можно оплатить не больше ${points(v.limit)} (${v.share}% чека).`,
  "error-hold-limit": (v) => `По этому расчёту можно списать не больше ${points(v.max)}.`,
  "error-not-enough-points": (v) => `У гостя сейчас доступно только ${points(v.available)}. Пересчитайте чек.`,
  "error-quote-unknown": "Такого расчёта для этого гостя нет. Введите сумму заново.",
  "error-quote-expired": "Расчёт устарел. Введите сумму заново.",
  "error-quote-used": "Этот расчёт уже проведён.",
  "error-quote-replaced": "Этот расчёт заменён более новым.",
  "error-quote-amount": "Сумма отличается от расчёта. Пересчитайте чек.",
  "error-check-unknown": "Такого чека в программе нет.",
  "error-refund-of-refund": "Это уже возврат — оформите возврат исходного чека.",
  "error-check-no-guest": "На этом чеке не был определён гость, баллы по нему не двигались — возвращать нечего.",
  "error-already-refunded": "Чек уже полностью возвращён.",
  "error-refund-too-much": (v) => `По чеку осталось вернуть только ${v.left}.`,
  "error-cashier-refund-window": (v) =>
    `Кассир может отменить только свою операцию в течение ${v.minutes} мин. Обратитесь к менеджеру.`,
  "error-restaurant-unknown": "Такого ресторана в заведении нет.",
  "error-restaurant-inactive": "Этот ресторан закрыт в настройках программы.",
  "error-restaurant-scope": "Вы не работаете в этом ресторане.",
  "points-adjust-too-many": (v) => `У гостя можно списать не больше ${points(v.available)}.`,
  "level-unknown": "Такого уровня в программе нет.",
  "manual-level-until": "Для ручного уровня нужна дата окончания в будущем.",
  "manual-level-none": "У этого гостя нет ручного уровня.",
  "program-changed":
    "Программу изменил кто-то другой, пока вы её редактировали. Обновите страницу и внесите изменения снова.",
  "program-level-unknown": "Одного из уровней программы больше нет. Обновите страницу.",
  "program-level-busy": (v) =>
    `Уровень «${v.level}» нельзя удалить: на нём ${v.guests} ${plural(Number(v.guests), "гость", "гостя", "гостей")}. Оставьте уровень или снизьте его порог.`,
  "pos-integration-unknown": "Такой интеграции с кассой нет.",
  "pos-restaurant-unknown": "Ресторан, указанный в настройках, не относится к этому заведению.",
  "pos-api-login-iiko-only": "API-логин есть только у интеграции с iiko.",
  "pos-body-not-json": "Тело запроса — не JSON (UTF-8). Отправьте чек как JSON-объект.",
  "pos-event-unknown": "Такого события кассы нет.",
  "pos-event-not-replayable": "Повторить можно только события с ошибкой или отклонённые.",
  "pos-event-unreadable": "Это событие вообще не читается как чек — повтор не поможет.",
  "pos-check-retry-later":
    "Сейчас не удалось начислить баллы по чеку; через несколько минут попробуем снова автоматически.",
  "error-pos-check-unknown": "Такого чека с кассы нет.",
  "error-pos-check-not-waiting": "Этот чек уже не ждёт гостя.",
  "error-pos-check-too-old": (v) => `Чек закрыт больше ${v.hours} ч назад — привязать его к гостю уже нельзя.`,
  "staff-unknown": "Такого сотрудника нет.",
  "staff-inactive": "Этот сотрудник отключён — сначала включите его.",
  "staff-email-taken": "Сотрудник с таким e-mail уже работает в заведении.",
  "staff-own-role": "Свою роль изменить нельзя — попросите другого владельца.",
  "staff-self-deactivate": "Нельзя отключить самого себя.",
  "staff-restaurants-not-for-role":
    "Владельцы и администраторы работают во всех ресторанах; рестораны указываются только менеджерам и кассирам.",
  "staff-restaurant-unknown": "Одного из ресторанов не существует.",
  "staff-invite-no-bot": "Сначала подключите Telegram-бота заведения: ссылка-приглашение открывает его.",
};

export const errorTexts: Record<"ru" | "en", Record<string, KeyedText>> = { en, ru };
