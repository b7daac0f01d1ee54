# Russian is the default language of the product.

points = { $count ->
    [one] { $count } балл
    [few] { $count } балла
   *[many] { $count } баллов
  }

## Onboarding

welcome = Добро пожаловать в программу лояльности «{ $tenant }»! Здесь копятся баллы за визиты, а ими можно оплатить часть следующего счёта.
consent-ask =
    Чтобы завести карту, нам нужно ваше согласие на обработку персональных данных: имени, телефона и даты рождения. Мы используем их только для программы лояльности «{ $tenant }» и никому не передаём.
consent-policy = Политика обработки данных: { $url }
consent-yes = ✅ Согласен
consent-no = Не сейчас
consent-declined = Без согласия мы не можем завести карту. Когда будете готовы, отправьте /start.
consent-use-buttons = Нажмите «✅ Согласен» или «Не сейчас» под сообщением выше.
name-ask = Как к вам обращаться?
name-use-telegram = Меня зовут { $name }
name-use-text = Напишите имя текстом, например: Анна.
phone-ask = Поделитесь номером телефона кнопкой ниже: по нему кассир найдёт вашу карту, если под рукой не будет телефона.
phone-button = 📱 Отправить мой номер
phone-use-button = Нажмите кнопку «📱 Отправить мой номер» внизу экрана.
phone-not-own = Это чужой контакт. Нажмите «📱 Отправить мой номер», чтобы поделиться своим.
phone-linked = Нашли вашу карту по номеру телефона: баллы и история на месте.
birthday-ask = Когда у вас день рождения? Пришлём подарок. Напишите дату, например: 15.07.1990
birthday-skip = Пропустить
birthday-invalid = Не получилось прочитать дату. Напишите её так: 15.07.1990, или нажмите «Пропустить».
registered = Готово, { $name }! Ваша карта создана.
registered-bonus = Начислили { points } в подарок за регистрацию.
onboarding-cancelled = Хорошо, остановились. Продолжить можно в любой момент: /start.

## Guest menu

menu-card = 💳 Карта
menu-qr = 📱 QR-код
menu-history = 🧾 История
menu-levels = 🏆 Уровни
menu-settings = ⚙️ Настройки
menu-invite = 🤝 Пригласить друга
menu-open-app = Открыть карту
menu-hint = Выберите, что показать, в меню ниже.
card =
    <b>{ $tenant }</b>
    Баланс: <b>{ points }</b>
card-available = Доступно для оплаты: { points }
card-level = Уровень: <b>{ $level }</b>, { $rate }% баллами
card-next = До уровня «{ $next }» осталось потратить { $remaining }
card-top = Это самый высокий уровень. Спасибо, что вы с нами!
card-expiring = { points } сгорят { $date }
qr-caption =
    Покажите QR-код на кассе или назовите код <b>{ $code }</b>.
    QR действует до { $qrUntil }, код — до { $codeUntil }.
qr-refresh = 🔄 Обновить
history-title = <b>История</b>
history-empty = Пока операций нет. Баллы появятся после первой покупки.
history-more = Раньше →
history-line = { $date } · { $points } · { $what }
history-earn = начисление
history-redeem = оплата баллами
history-expire = сгорание
history-adjust = корректировка
history-bonus = бонус
history-reversal = возврат
levels-title = <b>Уровни</b> (траты за { $days ->
    [0] всё время
   *[other] { $days } дн.
  })
levels-line = { $mark } { $name }: от { $threshold }, { $rate }% баллами
levels-spend = Ваши траты: { $spend }
levels-manual = Уровень назначен вручную до { $until }
settings-title = <b>Настройки</b>
settings-language = Язык: русский
settings-switch-language = 🇬🇧 English
settings-notifications-on = Уведомления: включены
settings-notifications-off = Уведомления: выключены
settings-turn-off = 🔕 Выключить уведомления
settings-turn-on = 🔔 Включить уведомления
settings-saved = Сохранено.
invite-text = Пригласите друзей по вашей ссылке:
    { $link }
not-registered = Сначала заведём карту: /start.
help =
    Команды:
    /card — карта и баланс
    /qr — QR-код и код для кассы
    /history — история операций
    /levels — уровни программы
    /settings — язык и уведомления
    /cancel — прервать текущий шаг
help-staff = /till — провести чек (режим кассира)
unknown-message = Я понимаю команды и кнопки меню. Посмотрите /help.
sticker-reply = Красивый стикер! Но я понимаю только команды и кнопки меню: /help.
cancelled = Отменено.
nothing-to-cancel = Сейчас нечего отменять.
button-outdated = Эта кнопка устарела.
something-wrong = Что-то пошло не так. Попробуйте ещё раз чуть позже.

## Commands (the list Telegram shows after "/")

command-card = Карта и баланс
command-qr = QR-код и код для кассы
command-history = История операций
command-levels = Уровни программы
command-settings = Язык и уведомления
command-help = Помощь
command-cancel = Прервать текущий шаг

## Staff

staff-linked = Готово, { $name }! В этом боте вам теперь доступен режим кассира: /till.
staff-only = Эта команда только для сотрудников, подключённых к боту.
staff-start = Здравствуйте, { $name }! Чтобы провести чек, нажмите /till.
staff-own-card-hint = Хотите копить баллы сами, как гость?
staff-own-card = Открыть мою карту гостя
till-ask-guest = Введите 6-значный код гостя или номер телефона, либо отсканируйте QR-код.
till-scan = 📷 Сканировать QR
till-cancel = Отмена
till-guest =
    Гость: <b>{ $name }</b>
    Баланс: { points }, доступно { $available }
    Уровень: { $level }
till-ask-amount = Сумма чека? Например: 1250 или 1 250,50
till-ask-pos = Или выберите чек с кассы, который гость оплатил до того, как показал код:
till-pos-check = 🧾 { $amount } · { $time }
till-pos-confirm = Привязать чек с кассы на { $amount } ({ $time }) к этому гостю? Баллы за него получит он.
till-pos-attached = ✅ Чек привязан: начислено { points }.
till-pos-not-credited = Чек привязан, но баллы не начислены: { $reason }
till-amount-invalid = Не похоже на сумму. Напишите число, например: 1250 или 1 250,50.
till-quote =
    Чек на <b>{ $amount }</b>.
    Баллами можно оплатить до { $max } ({ $maxMoney }).
    Если оплатить деньгами, начислим { points }.
till-accrue = ➕ Начислить { points }
till-redeem-max = ➖ Списать { points }
till-redeem-other = Списать другое количество
till-ask-points = Сколько баллов списать? От 1 до { $max }.
till-points-invalid = Нужно число от 1 до { $max }.
till-confirm-accrue = Начислить { points } за чек { $amount }?
till-confirm-redeem = Списать { points } с чека { $amount }? На остаток начислим баллы.
till-confirm = ✅ Подтвердить
till-done-accrue = ✅ Начислено { points }. Баланс гостя: { $balance }.
till-done-redeem = ✅ Списано баллов: { $redeemed }, начислено: { $earned }. К оплате деньгами: { $paid }. Баланс гостя: { $balance }.
till-undo = ↩️ Отменить операцию
till-undo-confirm = Отменить эту операцию? Баллы вернутся к состоянию до неё.
till-undo-yes = Да, отменить
till-undone = Операция отменена. Баланс гостя: { $balance }.
till-undo-done-already = Уже отменено.
till-cancelled = Чек отменён, ничего не записано.
till-use-buttons = Выберите действие кнопкой под сообщением или отправьте /cancel.
till-unknown-input = Это не код и не телефон. Пришлите 6 цифр кода, номер телефона или отсканируйте QR.
till-ask-restaurant = В каком ресторане вы сейчас работаете? Бот запомнит выбор на эту смену.
till-restaurant-chosen = Ресторан: { $name }. Чтобы сменить его, нажмите «Сменить ресторан» или отправьте /restaurant.
till-at-restaurant = Ресторан: { $name }
till-change-restaurant = 🏠 Сменить ресторан

## Errors

error-qr-expired = QR-код устарел или уже использован. Попросите гостя обновить карту.
error-code-unknown = Такого кода сейчас нет. Коды действуют несколько минут — попросите гостя назвать новый.
error-phone-invalid = Не похоже на номер телефона. Пример: +7 999 123-45-67.
error-phone-unknown = Гостя с таким номером нет в программе.
error-guest-unknown = Такого гостя нет в программе.
error-currency = Программа считает в { $expected }, а чек в { $got }.
error-share-limit = Баллами можно оплатить не больше { $limit } ({ $share }% чека).
error-hold-limit = По этому расчёту можно списать не больше { $max }.
error-not-enough-points = У гостя сейчас доступно только { $available }. Пересчитайте чек.
error-quote-expired = Расчёт устарел. Введите сумму заново.
error-quote-used = Этот расчёт уже проведён.
error-quote-replaced = Этот расчёт заменён более новым.
error-quote-amount = Сумма отличается от расчёта. Пересчитайте чек.
error-already-refunded = Чек уже полностью возвращён.
error-refund-too-much = По чеку осталось вернуть только { $left }.
error-cashier-refund-window = Кассир может отменить только свою операцию в течение { $minutes } мин. Обратитесь к менеджеру.
error-name-invalid = Не похоже на имя. Напишите, как к вам обращаться, например: Анна.
error-phone-taken = Этот номер уже привязан к другой карте программы. Обратитесь к персоналу, чтобы объединить карты.
error-birthday-invalid = Эта дата не похожа на день рождения. Напишите её так: 15.07.1990.
error-invite-invalid = Эта ссылка-приглашение не подходит для этого бота.
error-invite-used = Эта ссылка-приглашение уже использована. Попросите у менеджера новую.
error-invite-expired = Срок действия ссылки-приглашения истёк. Попросите у менеджера новую.
error-invite-inactive = Эта учётная запись сотрудника отключена.
error-telegram-linked = Этот аккаунт Telegram уже привязан к другому сотруднику.
error-idempotency-reuse = Повтор с другими данными. Начните операцию заново.
error-plan-guest-limit = Баллы не начислены: тариф «{ $plan }» не оплачен или закончился, а гость присоединился сверх { $limit } гостей тарифа. Списывать баллы гость может как прежде. Попросите владельца оплатить или сменить тариф в панели управления (раздел «Оплата»).
plan-limit = Тариф «{ $plan }» позволяет { $limit }, уже используется { $used }. Владелец может сменить тариф в панели управления (раздел «Оплата»).

## Notifications

notify-earned = +{ points } за покупку{ $amount ->
    [none] {""}
   *[other] {" "}на { $amount }
  }. Баланс: { $balance }.
notify-redeemed = Оплачено баллами: { points }. Баланс: { $balance }.
notify-bonus-birthday = 🎂 С днём рождения! Дарим { points }. Баланс: { $balance }.
notify-bonus = 🎁 Бонус: +{ points }. Баланс: { $balance }.
notify-adjusted-plus = Начислено { points }: { $reason }. Баланс: { $balance }.
notify-adjusted-minus = Списано { points }: { $reason }. Баланс: { $balance }.
notify-level-up = 🏆 Новый уровень: <b>{ $level }</b>! Теперь баллами возвращается { $rate }%.
notify-level-down = Ваш уровень теперь «{ $level }».
notify-expiring = ⏳ { points } сгорят после { $date }. Успейте потратить!
notify-expired = Сгорело { points }. Баланс: { $balance }.
notify-refunded = По возврату чека баланс изменился на { $delta }. Баланс: { $balance }.

## Events (issue #9): the guest's Events menu, check-in at the door, their notifications

menu-events = 🎉 События
command-events = События ресторана
help-events = /events — события ресторана
help-checkin = /checkin — отметить гостей на событии
events-title = <b>События</b>
events-empty = Пока нет событий. Мы напишем, когда появятся.
events-line =
    🗓 { $when } — <b>{ $title }</b>
        { $places } · { $price }{ $mine }
events-places = { $count ->
    [one] осталось { $count } место
    [few] осталось { $count } места
   *[many] осталось { $count } мест
  }
events-waitlist = мест нет, лист ожидания
events-free = бесплатно
events-price = { points }
events-mine-registered = {" "}· ✅ вы записаны
events-mine-waitlisted = {" "}· ⏳ вы в листе ожидания
event-when = 🗓 { $when }
event-where = 📍 { $where }
event-price-free = 💳 Бесплатно
event-price = 💳 Стоит { points }
event-bonus = 🎁 За участие: +{ points }
event-level = 🏆 Для гостей уровня «{ $level }» и выше
event-places = 👥 { events-places }
event-full = 👥 Мест нет, можно встать в лист ожидания
event-deadline = Запись до { $deadline }
event-closed = Запись закрыта.
event-my-registered = ✅ Вы записаны.
event-my-waitlisted = ⏳ Вы в листе ожидания, { $position }-й в очереди.
event-my-checked-in = ✅ Вы отмечены на событии. Спасибо, что пришли!
event-register = ✅ Записаться
event-join-waitlist = ⏳ В лист ожидания
event-cancel-registration = ❌ Отменить запись
event-leave-waitlist = ❌ Выйти из листа ожидания
event-all = ← Все события
event-confirm-paid = Стоит { points }, у вас { $available }. Записаться?
event-confirm-waitlist = Мест нет. Встать в лист ожидания? Когда освободится место, спишем { points } (у вас { $available }).
event-confirm-yes = ✅ Да
event-confirm-no = Нет
event-confirm-cancel = Отменить запись на «{ $title }»?
event-confirm-cancel-paid = Отменить запись на «{ $title }»? Баллы вернутся на баланс.
event-confirm-cancel-yes = Да, отменить
event-keep = Нет, оставить
event-not-enough = Не хватает баллов: событие стоит { points }, у вас { $available }.
event-registered = ✅ Вы записаны на «{ $title }», { $when }. Ждём вас!
event-registered-paid = Списано { points }. Баланс: { $balance }.
event-waitlisted = Мест нет — вы в листе ожидания, { $position }-й в очереди. Напишем, как только освободится место.
event-waitlisted-paid = Когда место освободится, спишем { points }; если баллов не хватит, место уйдёт следующему.
event-already = Вы уже записаны.
event-cancelled = Запись на «{ $title }» отменена.
event-cancelled-paid = Баллы вернулись. Баланс: { $balance }.
event-left-waitlist = Вы вышли из листа ожидания на «{ $title }».
event-kept = Хорошо, запись остаётся.
event-not-found = Этого события больше нет в списке.
checkin-no-events = Сегодня нет событий, на которых можно отмечать гостей.
checkin-pick = На каком событии отмечаем гостей?
checkin-event-button = { $time } · { $title }
checkin-ask-guest = «{ $title }»: код гостя из 6 цифр, телефон или QR. Отмечайте гостей одного за другим; закончить — «Отмена» или /cancel.
checkin-done = ✅ { $name } — отметили
checkin-done-bonus = ✅ { $name } — отметили (+{ points })
checkin-done-bonus-withheld = ✅ { $name } — отметили. { points } за участие не начислены: гость присоединился сверх лимита гостей тарифа, а тариф не оплачен или закончился. Владелец может оплатить в разделе «Оплата» панели управления.
checkin-already = { $name } — уже отметили в { $time }.
checkin-finished = Отметка гостей закончена.
error-event-unknown = Такого события нет.
error-event-cancelled = Это событие отменено.
error-event-finished = Это событие уже прошло.
error-event-closed = Это событие уже прошло.
error-event-checked-in = На это событие уже отмечены гости, отменить его нельзя — завершите его.
error-event-deadline = Запись на это событие уже закрыта.
error-event-started = Событие уже началось, запись нельзя отменить.
error-registration-checked-in = Вас уже отметили на этом событии, отменить запись нельзя.
error-event-level = Это событие для гостей уровня «{ $level }» и выше.
error-event-not-enough-points = Не хватает баллов: событие стоит { $price }, у вас { $available }.
error-event-scope = Это событие ресторана, в котором вы не работаете.
error-till-restaurant-scope = Вы не работаете в этом ресторане. Выберите один из своих: /restaurant.
error-till-restaurant-required = Вы работаете в нескольких ресторанах: выберите, где этот чек, командой /restaurant.
error-till-no-restaurant = Ни один из ваших ресторанов не открыт в настройках программы. Обратитесь к менеджеру.
error-broadcast-unknown = Такой рассылки нет.
error-broadcast-scope = Эта рассылка адресована гостям ресторанов, в которых вы не работаете.
error-broadcast-not-draft = Эта рассылка уже отправлена или запланирована; менять и отправлять можно только черновик.
error-broadcast-sent = Эта рассылка уже отправлена, отменить её нельзя.
error-broadcast-no-bot = Сначала подключите Telegram-бота заведения: рассылки отправляются через него.
error-broadcast-empty = Под эти условия сейчас не подходит ни один гость — отправлять некому.
error-broadcast-restricted = Рассылки приостановлены, пока подписка не оплачена или отменена. Оплатите или выберите тариф на странице «Оплата».
error-broadcast-no-telegram = Ваш Telegram ещё не привязан к боту. Попросите ссылку-приглашение для сотрудника и откройте её в Telegram.
error-broadcast-test-blocked = Telegram сообщает, что вы не запустили бота (или заблокировали его). Откройте бота, нажмите «Старт» и попробуйте снова.
error-checkin-not-registered = { $name } не записан(а) на это событие.
error-checkin-waitlisted = { $name } только в листе ожидания на это событие, места у гостя нет.
error-checkin-not-open = Отмечать гостей на этом событии пока рано: отметка открывается за 12 часов до начала.
error-checkin-closed = Отметка гостей на этом событии закрыта: она закрывается через 24 часа после окончания.
error-event-draft = Это событие ещё не опубликовано.
error-birthday-locked = День рождения уже указан, изменить его может только ресторан: от него зависят бонусы ко дню рождения. Если дата неверна, обратитесь к персоналу.
error-registration-incomplete = Для регистрации нужны согласие, имя и номер телефона.
error-quote-unknown = Такого расчёта для этого гостя нет. Введите сумму заново.
error-check-unknown = Такого чека в программе нет.
error-refund-of-refund = Это уже возврат — оформите возврат исходного чека.
error-check-no-guest = На этом чеке не был определён гость, возвращать нечего.
error-restaurant-unknown = Такого ресторана в программе нет.
error-restaurant-inactive = Этот ресторан закрыт в настройках программы.
error-restaurant-scope = Вы не работаете в этом ресторане.
error-pos-check-unknown = Такого чека с кассы нет.
error-pos-check-not-waiting = Этот чек уже не ждёт гостя.
error-pos-check-too-old = Чек закрыт больше { $hours } ч назад — привязать его к гостю уже нельзя.
notify-event-registered = ✅ Вы записаны на «{ $title }»: { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }.
notify-event-promoted = 🎉 Освободилось место — вы записаны на «{ $title }»: { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }.
notify-event-paid = Списано { points }. Баланс: { $balance }.
notify-event-cancelled = ❌ Ресторан отменил «{ $title }» ({ $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }). Причина: { $reason }
notify-event-returned = Баллы за запись вернулись: { points }.
notify-event-dropped = На «{ $title }» ({ $when }) освободилось место, но для записи не хватило баллов (нужно { points }), поэтому вы больше не в листе ожидания.
notify-event-dropped-level = На «{ $title }» ({ $when }) освободилось место, но теперь это событие для гостей уровня «{ $level }» и выше, поэтому вы больше не в листе ожидания.
notify-event-reminder-day = ⏰ Завтра «{ $title }»: { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }. Ждём вас!
notify-event-reminder-hour = ⏰ Через час «{ $title }»: { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }. До встречи!
notify-event-rescheduled = 🔁 «{ $title }» переносится: теперь { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  } (было { $was }).
notify-event-moved = 📍 У «{ $title }» новое место: { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }.
