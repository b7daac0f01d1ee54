points = { $count ->
    [one] { $count } point
   *[other] { $count } points
  }

## Onboarding

welcome = Welcome to the { $tenant } loyalty program! Earn points on every visit and pay for part of your next bill with them.
consent-ask =
    To open your card we need your consent to process your personal data: name, phone and date of birth. We use it only for the { $tenant } loyalty program and never share it.
consent-policy = Personal data policy: { $url }
consent-yes = ✅ I agree
consent-no = Not now
consent-declined = Without consent we cannot open a card. Send /start when you are ready.
consent-use-buttons = Tap "✅ I agree" or "Not now" under the message above.
name-ask = What should we call you?
name-use-telegram = I'm { $name }
name-use-text = Type your name, for example: Anna.
phone-ask = Share your phone number with the button below: the cashier can find your card by it when your phone is not at hand.
phone-button = 📱 Share my number
phone-use-button = Tap "📱 Share my number" at the bottom of the screen.
phone-not-own = That is someone else's contact. Tap "📱 Share my number" to share yours.
phone-linked = We found your card by your phone number: your points and history are all here.
birthday-ask = When is your birthday? We will send a gift. Type the date, for example: 15.07.1990
birthday-skip = Skip
birthday-invalid = I could not read that date. Type it like 15.07.1990, or tap "Skip".
registered = Done, { $name }! Your card is ready.
registered-bonus = We added { points } as a welcome gift.
onboarding-cancelled = All right, stopped. Continue any time with /start.

## Guest menu

menu-card = 💳 Card
menu-qr = 📱 QR code
menu-history = 🧾 History
menu-levels = 🏆 Levels
menu-settings = ⚙️ Settings
menu-invite = 🤝 Invite a friend
menu-open-app = Open card
menu-hint = Choose what to show in the menu below.
card =
    <b>{ $tenant }</b>
    Balance: <b>{ points }</b>
card-available = Available to pay with: { points }
card-level = Level: <b>{ $level }</b>, { $rate }% back in points
card-next = Spend { $remaining } more to reach { $next }
card-top = This is the top level. Thank you for being with us!
card-expiring = { points } expire on { $date }
qr-caption =
    Show this QR code at the till or say the code <b>{ $code }</b>.
    The QR works until { $qrUntil }, the code until { $codeUntil }.
qr-refresh = 🔄 Refresh
history-title = <b>History</b>
history-empty = No operations yet. Points appear after your first purchase.
history-more = Earlier →
history-line = { $date } · { $points } · { $what }
history-earn = earned
history-redeem = paid with points
history-expire = expired
history-adjust = adjustment
history-bonus = bonus
history-reversal = refund
levels-title = <b>Levels</b> (spend over { $days ->
    [0] all time
   *[other] { $days } days
  })
levels-line = { $mark } { $name }: from { $threshold }, { $rate }% back
levels-spend = Your spend: { $spend }
levels-manual = Level set by the staff until { $until }
settings-title = <b>Settings</b>
settings-language = Language: English
settings-switch-language = 🇷🇺 Русский
settings-notifications-on = Notifications: on
settings-notifications-off = Notifications: off
settings-turn-off = 🔕 Turn notifications off
settings-turn-on = 🔔 Turn notifications on
settings-saved = Saved.
invite-text = Invite friends with your link:
    { $link }
not-registered = Let's open your card first: /start.
help =
    Commands:
    /card — card and balance
    /qr — QR code and code for the till
    /history — operations
    /levels — program levels
    /settings — language and notifications
    /cancel — stop the current step
help-staff = /till — process a check (cashier mode)
unknown-message = I understand commands and menu buttons. See /help.
sticker-reply = Nice sticker! But I only understand commands and menu buttons: /help.
cancelled = Cancelled.
nothing-to-cancel = There is nothing to cancel right now.
button-outdated = This button is out of date.
something-wrong = Something went wrong. Please try again a bit later.

## Commands (the list Telegram shows after "/")

command-card = Card and balance
command-qr = QR code and code for the till
command-history = Operations
command-levels = Program levels
command-settings = Language and notifications
command-help = Help
command-cancel = Stop the current step

## Staff

staff-linked = Done, { $name }! Cashier mode is now available to you in this bot: /till.
staff-only = This command is only for staff linked to the bot.
staff-start = Hello, { $name }! To process a check, tap /till.
staff-own-card-hint = Want to collect points yourself, as a guest?
staff-own-card = Open my guest card
till-ask-guest = Type the guest's 6-digit code or phone number, or scan their QR code.
till-scan = 📷 Scan QR
till-cancel = Cancel
till-guest =
    Guest: <b>{ $name }</b>
    Balance: { points }, available { $available }
    Level: { $level }
till-ask-amount = Check amount? For example: 1250 or 1,250.50
till-ask-pos = Or pick the POS check this guest paid before showing their code:
till-pos-check = 🧾 { $amount } · { $time }
till-pos-confirm = Attach the POS check of { $amount } ({ $time }) to this guest? They get its points.
till-pos-attached = ✅ The check is attached: { points } added.
till-pos-not-credited = The check was attached but earned nothing: { $reason }
till-amount-invalid = That does not look like an amount. Type a number, for example: 1250 or 1250.50.
till-quote =
    Check for <b>{ $amount }</b>.
    Points can pay up to { $max } ({ $maxMoney }).
    Paid in money, it earns { points }.
till-accrue = ➕ Add { points }
till-redeem-max = ➖ Redeem { points }
till-redeem-other = Redeem another amount
till-ask-points = How many points to redeem? From 1 to { $max }.
till-points-invalid = Type a number from 1 to { $max }.
till-confirm-accrue = Add { points } for a check of { $amount }?
till-confirm-redeem = Redeem { points } on a check of { $amount }? The rest earns points.
till-confirm = ✅ Confirm
till-done-accrue = ✅ Added { points }. Guest's balance: { $balance }.
till-done-redeem = ✅ Points redeemed: { $redeemed }, added: { $earned }. To pay in money: { $paid }. Guest's balance: { $balance }.
till-undo = ↩️ Undo
till-undo-confirm = Undo this operation? The points go back as they were before it.
till-undo-yes = Yes, undo
till-undone = Undone. Guest's balance: { $balance }.
till-undo-done-already = Already undone.
till-cancelled = Check cancelled, nothing was recorded.
till-use-buttons = Choose with the buttons under the message, or send /cancel.
till-unknown-input = That is neither a code nor a phone. Send the 6-digit code, a phone number, or scan the QR.
till-ask-restaurant = Which restaurant are you working at? The bot will remember it for this shift.
till-restaurant-chosen = Restaurant: { $name }. To change it, press "Change restaurant" or send /restaurant.
till-at-restaurant = Restaurant: { $name }
till-change-restaurant = 🏠 Change restaurant

## Errors

error-qr-expired = The QR code has expired or was already used. Ask the guest to refresh their card.
error-code-unknown = No guest has this code now. Codes last a few minutes; ask for a fresh one.
error-phone-invalid = That does not look like a phone number. Example: +7 999 123-45-67.
error-phone-unknown = No guest with this phone number is in the program.
error-guest-unknown = There is no such guest in the program.
error-currency = The program counts in { $expected }, the check is in { $got }.
error-share-limit = Points can pay at most { $limit } ({ $share }% of the check).
error-hold-limit = This quote allows at most { $max }.
error-not-enough-points = The guest has only { $available } available now. Quote again.
error-quote-expired = This quote has expired. Enter the amount again.
error-quote-used = This quote has already been used.
error-quote-replaced = A newer quote replaced this one.
error-quote-amount = The amount differs from the quote. Quote again.
error-already-refunded = This check has already been refunded in full.
error-refund-too-much = Only { $left } of this check is left to refund.
error-cashier-refund-window = A cashier can undo only their own operation within { $minutes } minutes. Ask a manager.
error-name-invalid = That does not look like a name. Type what we should call you, for example: Anna.
error-phone-taken = This number belongs to another card in the program. Ask the staff to merge the cards.
error-birthday-invalid = That date does not look like a birthday. Type it like 15.07.1990.
error-invite-invalid = This invite link is not valid for this bot.
error-invite-used = This invite link has already been used. Ask your manager for a new one.
error-invite-expired = This invite link has expired. Ask your manager for a new one.
error-invite-inactive = This staff account is deactivated.
error-telegram-linked = This Telegram account is already linked to another staff member.
error-idempotency-reuse = A repeat with different data. Start the operation again.
error-plan-guest-limit = Points were not added: the restaurant's { $plan } plan is restricted (unpaid or expired) and this guest joined beyond its { $limit } guests. The guest can still spend their points. Ask the owner to pay or upgrade the plan in the admin panel (Billing).
plan-limit = The { $plan } plan allows { $limit } here and { $used } are in use. The owner can upgrade the plan in the admin panel (Billing).

## Notifications

notify-earned = +{ points } for your purchase{ $amount ->
    [none] {""}
   *[other] {" "}of { $amount }
  }. Balance: { $balance }.
notify-redeemed = Paid with points: { points }. Balance: { $balance }.
notify-bonus-birthday = 🎂 Happy birthday! Here are { points }. Balance: { $balance }.
notify-bonus = 🎁 Bonus: +{ points }. Balance: { $balance }.
notify-adjusted-plus = Added { points }: { $reason }. Balance: { $balance }.
notify-adjusted-minus = Removed { points }: { $reason }. Balance: { $balance }.
notify-level-up = 🏆 New level: <b>{ $level }</b>! You now get { $rate }% back in points.
notify-level-down = Your level is now { $level }.
notify-expiring = ⏳ { points } expire after { $date }. Use them in time!
notify-expired = { points } expired. Balance: { $balance }.
notify-refunded = After a refund your balance changed by { $delta }. Balance: { $balance }.

## Events (issue #9): the guest's Events menu, check-in at the door, their notifications

menu-events = 🎉 Events
command-events = Restaurant events
help-events = /events — restaurant events
help-checkin = /checkin — check guests in at an event
events-title = <b>Events</b>
events-empty = No events yet. We will tell you when there are.
events-line =
    🗓 { $when } — <b>{ $title }</b>
        { $places } · { $price }{ $mine }
events-places = { $count ->
    [one] { $count } place left
   *[other] { $count } places left
  }
events-waitlist = full, waitlist
events-free = free
events-price = { points }
events-mine-registered = {" "}· ✅ you are in
events-mine-waitlisted = {" "}· ⏳ you are on the waitlist
event-when = 🗓 { $when }
event-where = 📍 { $where }
event-price-free = 💳 Free
event-price = 💳 Costs { points }
event-bonus = 🎁 For attending: +{ points }
event-level = 🏆 For guests of level { $level } and above
event-places = 👥 { events-places }
event-full = 👥 Full, you can join the waitlist
event-deadline = Registration until { $deadline }
event-closed = Registration is closed.
event-my-registered = ✅ You are registered.
event-my-waitlisted = ⏳ You are on the waitlist, number { $position } in line.
event-my-checked-in = ✅ You are checked in. Thank you for coming!
event-register = ✅ Register
event-join-waitlist = ⏳ Join the waitlist
event-cancel-registration = ❌ Cancel registration
event-leave-waitlist = ❌ Leave the waitlist
event-all = ← All events
event-confirm-paid = It costs { points }, you have { $available }. Register?
event-confirm-waitlist = It is full. Join the waitlist? When a place frees up, { points } will be taken (you have { $available }).
event-confirm-yes = ✅ Yes
event-confirm-no = No
event-confirm-cancel = Cancel your registration for “{ $title }”?
event-confirm-cancel-paid = Cancel your registration for “{ $title }”? Your points will come back.
event-confirm-cancel-yes = Yes, cancel
event-keep = No, keep it
event-not-enough = Not enough points: the event costs { points }, you have { $available }.
event-registered = ✅ You are registered for “{ $title }”, { $when }. See you there!
event-registered-paid = { points } taken. Balance: { $balance }.
event-waitlisted = It is full — you are on the waitlist, number { $position } in line. We will write as soon as a place frees up.
event-waitlisted-paid = When a place frees up, { points } will be taken; if you do not have enough then, the place goes to the next guest.
event-already = You are already registered.
event-cancelled = Your registration for “{ $title }” is cancelled.
event-cancelled-paid = Your points are back. Balance: { $balance }.
event-left-waitlist = You have left the waitlist for “{ $title }”.
event-kept = All right, your registration stays.
event-not-found = This event is no longer listed.
checkin-no-events = There are no events to check guests in at today.
checkin-pick = Which event are you checking guests in at?
checkin-event-button = { $time } · { $title }
checkin-ask-guest = “{ $title }”: the guest's 6-digit code, phone or QR. Check guests in one after another; to finish, tap “Cancel” or send /cancel.
checkin-done = ✅ { $name } — checked in
checkin-done-bonus = ✅ { $name } — checked in (+{ points })
checkin-done-bonus-withheld = ✅ { $name } — checked in. The { points } for attending were not credited: the guest joined beyond the plan's guest limit and the plan is unpaid or ended. The owner can pay in Billing in the admin view.
checkin-already = { $name } — already checked in at { $time }.
checkin-finished = Check-in finished.
error-event-unknown = There is no such event.
error-event-cancelled = This event is cancelled.
error-event-finished = This event is over.
error-event-closed = This event is over.
error-event-checked-in = Guests have already been checked in at this event, so it cannot be cancelled; finish it instead.
error-event-deadline = Registration for this event has closed.
error-event-started = The event has begun; the registration can no longer be cancelled.
error-registration-checked-in = You have been checked in at this event; the registration can no longer be cancelled.
error-event-level = This event is for guests of level { $level } and above.
error-event-not-enough-points = Not enough points: the event costs { $price }, you have { $available }.
error-event-scope = This event belongs to a restaurant you do not work for.
error-till-restaurant-scope = You do not work at this restaurant. Choose one of yours: /restaurant.
error-till-restaurant-required = You work at several restaurants: choose where this check is, with /restaurant.
error-till-no-restaurant = None of the restaurants you work at is open in the program settings. Ask a manager.
error-broadcast-unknown = There is no such broadcast.
error-broadcast-scope = This broadcast reaches guests of restaurants you do not work for.
error-broadcast-not-draft = This broadcast has already been sent or scheduled; only a draft can be changed or sent.
error-broadcast-sent = This broadcast has been sent; it can no longer be cancelled.
error-broadcast-no-bot = Connect the business's Telegram bot first: broadcasts are sent through it.
error-broadcast-empty = No guest matches this audience now, so there is nobody to send it to.
error-broadcast-restricted = Broadcasts are paused while the subscription is unpaid or cancelled. Pay or choose a plan on the Billing page.
error-broadcast-no-telegram = Your Telegram is not linked to the bot yet. Ask for a staff invite link and open it in Telegram.
error-broadcast-test-blocked = Telegram says you have not started the bot (or blocked it). Open the bot, press Start, and try again.
error-checkin-not-registered = { $name } is not registered for this event.
error-checkin-waitlisted = { $name } is only on the waitlist for this event and has no place.
error-checkin-not-open = Check-in for this event has not opened yet: it opens 12 hours before the start.
error-checkin-closed = Check-in for this event is closed: it closes 24 hours after the end.
error-event-draft = This event is not published yet.
error-birthday-locked = The birthday is already set; only the restaurant can change it, because birthday bonuses depend on it. Ask the staff if it is wrong.
error-registration-incomplete = Registration needs consent, a name and a phone number first.
error-quote-unknown = There is no such quote for this guest. Enter the amount again.
error-check-unknown = There is no such check in the program.
error-refund-of-refund = This is a refund already; refund the original check.
error-check-no-guest = No guest was identified on this check, so there are no points to return.
error-restaurant-unknown = There is no such restaurant in the program.
error-restaurant-inactive = This restaurant is closed in the program settings.
error-restaurant-scope = You do not work for this restaurant.
error-pos-check-unknown = There is no such check from the till.
error-pos-check-not-waiting = This check is no longer waiting for a guest.
error-pos-check-too-old = This check closed more than { $hours } hours ago; it can no longer be attached to a guest.
notify-event-registered = ✅ You are registered for “{ $title }”: { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }.
notify-event-promoted = 🎉 A place freed up — you are now registered for “{ $title }”: { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }.
notify-event-paid = { points } taken. Balance: { $balance }.
notify-event-cancelled = ❌ The restaurant has cancelled “{ $title }” ({ $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }). Reason: { $reason }
notify-event-returned = The points you paid are back: { points }.
notify-event-dropped = A place freed up at “{ $title }” ({ $when }), but you did not have enough points for it ({ points } needed), so you are no longer on the waitlist.
notify-event-dropped-level = A place freed up at “{ $title }” ({ $when }), but the event is now for guests of level { $level } and above, so you are no longer on the waitlist.
notify-event-reminder-day = ⏰ Tomorrow: “{ $title }”, { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }. See you there!
notify-event-reminder-hour = ⏰ In an hour: “{ $title }”, { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }. See you soon!
notify-event-rescheduled = 🔁 “{ $title }” has been rescheduled: now { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  } (it was { $was }).
notify-event-moved = 📍 “{ $title }” has a new place: { $when }{ $where ->
    [none] {""}
   *[other] , { $where }
  }.
