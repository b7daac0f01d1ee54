// The upgrade prompt: wherever the API refuses something because the plan is full (messageKey
// "plan-limit"), the error line also offers the billing page.
import { hrefOf } from "../app/routes.ts";
import { useT } from "../i18n/locale.ts";

export const PLAN_LIMIT_KEY = "plan-limit";

export function isPlanLimit(error: { messageKey: string | null } | null | undefined): boolean {
  return error?.messageKey === PLAN_LIMIT_KEY;
}

export function PlanLimitLink() {
  const t = useT();
  return (
    <>
      {" "}
      <a className="upgrade-link" href={hrefOf("/billing")}>
        {t.billing.upgrade}
      </a>
    </>
  );
}
