// The context every handler sees: grammY's, plus the tenant this bot belongs to, the services
// it calls, and who the sender is in this tenant (guest, staff member, or neither yet).
import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18n, I18nFlavor } from "@grammyjs/i18n";
import type { EngineDeps, Logger } from "@maxl/api";
import type { Context } from "grammy";
import type { Locale } from "./i18n.ts";

export interface BotTenant {
  id: string;
  slug: string;
  name: string;
  currency: string;
  timeZone: string;
  botUsername: string;
}

export interface BotSettings {
  /** where the Mini App is served; its card and scanner open from buttons */
  miniAppUrl: string;
  /** the personal data policy shown at consent */
  privacyPolicyUrl: string;
}

export interface BotDeps {
  engine: EngineDeps;
  i18n: I18n<BotContext>;
  logger: Logger;
  settings: BotSettings;
}

export interface Member {
  locale: Locale;
  /** the sender's guest card in this tenant, if they have one */
  guest: { id: string; registered: boolean } | null;
  /** the staff member this Telegram account is linked to in this tenant, if any */
  staff: { id: string; name: string; role: "owner" | "admin" | "manager" | "cashier" } | null;
}

interface BotFlavor {
  tenant: BotTenant;
  deps: BotDeps;
  member: Member;
}

export type BotContext = ConversationFlavor<Context & I18nFlavor & BotFlavor>;

/** What a conversation's inner context carries (plugins re-run there on every replay). */
export type TalkContext = Context & BotFlavor;
