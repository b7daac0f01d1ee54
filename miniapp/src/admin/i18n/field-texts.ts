// The API's field-level keys (api/src/http/field-keys.ts) in English and Russian, for the message
// beside a form field; a field error without a key, or with one this table does not know, shows
// the API's English message.
import type { FieldError } from "../api/client.ts";
import type { KeyedText, MessageVars } from "./error-texts.ts";
import { plural } from "./plural.ts";

const n = (value: unknown) => Number(value);

const en: Record<string, KeyedText> = {
  "field-required": "Fill this in",
  "field-too-short": (v) => `At least ${n(v.minimum)} characters`,
  "field-too-long": (v) => `At most ${n(v.maximum)} characters`,
  "field-too-few": (v) => `Choose at least ${n(v.minimum)}`,
  "field-too-many": (v) => `At most ${n(v.maximum)}`,
  "field-at-least": (v) => `At least ${n(v.minimum)}`,
  "field-more-than": (v) => `More than ${n(v.minimum)}`,
  "field-at-most": (v) => `At most ${n(v.maximum)}`,
  "field-less-than": (v) => `Less than ${n(v.maximum)}`,
  "field-whole-number": "A whole number",
  "field-number": "A number",
  "field-email": "An e-mail address, like name@example.com",
  "field-date": "A date and time",
  "field-choose": "Choose one of the options",
  "field-invalid": "Not a valid value",
};

const ru: Record<string, KeyedText> = {
  "field-required": "Заполните поле",
  "field-too-short": (v) => `Не короче ${n(v.minimum)} ${plural(n(v.minimum), "символа", "символов", "символов")}`,
  "field-too-long": (v) => `Не длиннее ${n(v.maximum)} ${plural(n(v.maximum), "символа", "символов", "символов")}`,
  "field-too-few": (v) => `Выберите хотя бы ${n(v.minimum)}`,
  "field-too-many": (v) => `Не больше ${n(v.maximum)}`,
  "field-at-least": (v) => `Не меньше ${n(v.minimum)}`,
  "field-more-than": (v) => `Больше ${n(v.minimum)}`,
  "field-at-most": (v) => `Не больше ${n(v.maximum)}`,
  "field-less-than": (v) => `Меньше ${n(v.maximum)}`,
  "field-whole-number": "Целое число",
  "field-number": "Число",
  "field-email": "Адрес почты, например name@example.com",
  "field-date": "Дата и время",
  "field-choose": "Выберите один из вариантов",
  "field-invalid": "Недопустимое значение",
};

export const fieldTexts = { en, ru };

/** A field error in the given table's language, or the API's English message. */
export function fieldText(field: FieldError, table: Record<string, KeyedText>): string {
  const keyed = field.messageKey ? table[field.messageKey] : undefined;
  if (typeof keyed === "string") return keyed;
  if (keyed) return keyed((field.messageVars ?? {}) as MessageVars);
  return field.message;
}
