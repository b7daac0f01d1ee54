// Staff: who works here, in which role and restaurants, who has not accepted their invite yet.
// Owners and admins invite (the link is shown once), change roles and restaurants, deactivate,
// issue password links and end a member's sessions (their own from the menu: sign out
// everywhere); managers and up make the Telegram link for cashier mode. Buttons
// follow the API's rules (an admin manages managers and cashiers only; nobody changes
// themselves), and the API enforces them anyway.
import { useState } from "react";
import { type AdminClient, type ApiError, call } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { CopyField } from "../components/CopyField.tsx";
import { Field, FormError, useSubmit } from "../components/Field.tsx";
import { ConfirmDialog, Modal } from "../components/Modal.tsx";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import { errorText, formatDateTime, useLocale, useT } from "../i18n/locale.ts";
import { can, type StaffRole } from "../state/session-store.ts";

const loadStaff = (api: AdminClient) => call(api.api.v1.staff.$get());
const loadRestaurants = (api: AdminClient) => call(api.api.v1.restaurants.$get());

type Member = Awaited<ReturnType<typeof loadStaff>>["items"][number];
type Restaurant = Awaited<ReturnType<typeof loadRestaurants>>["restaurants"][number];

const allRoles: readonly StaffRole[] = ["owner", "admin", "manager", "cashier"];

/** The roles a member may give or manage (the API's rule in core/staff/manage-staff.ts). */
function manageableRoles(actor: StaffRole): readonly StaffRole[] {
  if (actor === "owner") return allRoles;
  if (actor === "admin") return ["manager", "cashier"];
  return [];
}

/** Whose Telegram a member may link (core/staff/telegram-invites.ts). */
function telegramInvitable(actor: StaffRole, target: StaffRole): boolean {
  return actor === "owner" || actor === "admin" || (actor === "manager" && target !== "owner" && target !== "admin");
}

const limitedRole = (role: StaffRole) => role === "manager" || role === "cashier";

type Dialog =
  | { kind: "invite" }
  | { kind: "edit"; member: Member }
  | { kind: "toggle"; member: Member }
  | { kind: "password"; member: Member }
  | { kind: "sessions"; member: Member }
  | { kind: "shown"; title: string; text: string; url: string; expiresAt: string };

export default function StaffPage() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const profile = useProfile();
  const staff = useLoad(() => loadStaff(api), [api]);
  const restaurants = useLoad(() => loadRestaurants(api), [api]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  const role = profile.staff.role;
  const mayManage = can(profile, "staff.manage");
  const mayLinkTelegram = can(profile, "staff.invite");
  const restaurantList = restaurants.status === "ready" ? restaurants.data.restaurants : [];
  const restaurantName = (id: string) => restaurantList.find((one) => one.id === id)?.name ?? "…";

  const telegramLink = async (member: Member) => {
    try {
      const link = await call(api.api.v1.staff[":staffId"]["telegram-invite"].$post({ param: { staffId: member.id } }));
      setDialog({
        kind: "shown",
        title: t.staff.telegramLink,
        text: t.staff.telegramLinkReady(member.name),
        url: link.link,
        expiresAt: link.expiresAt,
      });
    } catch (error) {
      toast(errorText(error as ApiError, t));
    }
  };

  const columns: Column<Member>[] = [
    {
      header: t.staff.name,
      className: "main",
      cell: (m) => (
        <>
          <div className="strong">
            {m.name}
            {m.id === profile.staff.id && <span className="tag">{t.staff.you}</span>}
          </div>
          <div className="muted small">{m.email}</div>
        </>
      ),
    },
    { header: t.staff.role, cell: (m) => t.roles[m.role] },
    {
      header: t.staff.restaurants,
      cell: (m) =>
        m.restaurantIds.length === 0 ? (
          <span className="muted">{t.staff.allRestaurants}</span>
        ) : (
          m.restaurantIds.map(restaurantName).join(", ")
        ),
    },
    {
      header: t.staff.status,
      cell: (m) =>
        !m.isActive ? (
          <span className="badge off">{t.staff.inactive}</span>
        ) : !m.hasPassword ? (
          <span className="badge pending">{t.staff.invitePending}</span>
        ) : (
          <span className="badge ok">{t.staff.active}</span>
        ),
    },
    { header: t.staff.telegram, cell: (m) => (m.telegramLinked ? t.staff.linked : t.staff.notLinked) },
    {
      header: t.staff.lastSignIn,
      cell: (m) => (m.lastLoginAt ? formatDateTime(m.lastLoginAt, locale) : t.common.never),
    },
    {
      header: t.common.actions,
      className: "actions",
      cell: (m) => {
        const self = m.id === profile.staff.id;
        const manages = mayManage && !self && manageableRoles(role).includes(m.role);
        return (
          <div className="row-actions">
            {manages && m.isActive && (
              <button
                type="button"
                className="button small secondary"
                onClick={() => setDialog({ kind: "edit", member: m })}
              >
                {t.common.edit}
              </button>
            )}
            {manages && m.isActive && (
              <button
                type="button"
                className="button small secondary"
                onClick={() => setDialog({ kind: "password", member: m })}
              >
                {t.staff.passwordLink}
              </button>
            )}
            {manages && m.isActive && (
              <button
                type="button"
                className="button small danger-outline"
                onClick={() => setDialog({ kind: "sessions", member: m })}
              >
                {t.staff.endSessions}
              </button>
            )}
            {mayLinkTelegram && m.isActive && telegramInvitable(role, m.role) && (
              <button type="button" className="button small secondary" onClick={() => void telegramLink(m)}>
                {t.staff.telegramLink}
              </button>
            )}
            {manages && (
              <button
                type="button"
                className={m.isActive ? "button small danger-outline" : "button small secondary"}
                onClick={() => setDialog({ kind: "toggle", member: m })}
              >
                {m.isActive ? t.staff.deactivate : t.staff.reactivate}
              </button>
            )}
          </div>
        );
      },
    },
  ];

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.staff.title}</h1>
        {mayManage && (
          <button type="button" className="button primary" onClick={() => setDialog({ kind: "invite" })}>
            {t.staff.invite}
          </button>
        )}
      </header>
      {staff.status === "loading" && <Loading />}
      {staff.status === "failed" && <ErrorState error={staff.error} onRetry={staff.reload} />}
      {staff.status === "ready" &&
        (staff.data.items.length === 0 ? (
          <EmptyState>{t.staff.empty}</EmptyState>
        ) : (
          <Table
            label={t.staff.title}
            columns={columns}
            rows={staff.data.items}
            rowKey={(m) => m.id}
            rowClass={(m) => (m.isActive ? undefined : "inactive")}
          />
        ))}

      {dialog?.kind === "invite" && (
        <MemberForm
          roles={manageableRoles(role)}
          restaurants={restaurantList}
          onClose={close}
          onSaved={(result) => {
            staff.reload();
            if (result)
              setDialog({
                kind: "shown",
                title: t.staff.inviteTitle,
                text: t.staff.inviteSent(result.name),
                url: result.url,
                expiresAt: result.expiresAt,
              });
          }}
        />
      )}
      {dialog?.kind === "edit" && (
        <MemberForm
          member={dialog.member}
          roles={manageableRoles(role)}
          restaurants={restaurantList}
          onClose={close}
          onSaved={() => {
            close();
            staff.reload();
            toast(t.common.saved);
          }}
        />
      )}
      {dialog?.kind === "toggle" && (
        <ConfirmDialog
          title={dialog.member.isActive ? t.staff.deactivate : t.staff.reactivate}
          confirmLabel={dialog.member.isActive ? t.staff.deactivate : t.staff.reactivate}
          danger={dialog.member.isActive}
          onClose={close}
          onConfirm={async () => {
            const { member } = dialog;
            await call(
              api.api.v1.staff[":staffId"].$patch({
                param: { staffId: member.id },
                json: { isActive: !member.isActive },
              }),
            );
            close();
            staff.reload();
            toast(member.isActive ? t.staff.deactivated(member.name) : t.staff.reactivated(member.name));
          }}
        >
          {dialog.member.isActive
            ? t.staff.deactivateConfirm(dialog.member.name)
            : t.staff.reactivateConfirm(dialog.member.name)}
        </ConfirmDialog>
      )}
      {dialog?.kind === "password" && (
        <ConfirmDialog
          title={t.staff.passwordLink}
          confirmLabel={t.staff.passwordLink}
          onClose={close}
          onConfirm={async () => {
            const { member } = dialog;
            const link = await call(
              api.api.v1.staff[":staffId"]["password-link"].$post({ param: { staffId: member.id } }),
            );
            setDialog({
              kind: "shown",
              title: t.staff.passwordLink,
              text: t.staff.passwordLinkReady(member.name),
              url: link.url,
              expiresAt: link.expiresAt,
            });
          }}
        >
          {dialog.member.hasPassword
            ? t.staff.passwordLinkConfirm(dialog.member.name)
            : t.staff.inviteLinkConfirm(dialog.member.name)}
        </ConfirmDialog>
      )}
      {dialog?.kind === "sessions" && (
        <ConfirmDialog
          title={t.staff.endSessions}
          confirmLabel={t.staff.endSessions}
          danger
          onClose={close}
          onConfirm={async () => {
            const { member } = dialog;
            await call(api.api.v1.staff[":staffId"].sessions["revoke-all"].$post({ param: { staffId: member.id } }));
            close();
            toast(t.staff.sessionsEnded(member.name));
          }}
        >
          {t.staff.endSessionsConfirm(dialog.member.name)}
        </ConfirmDialog>
      )}
      {dialog?.kind === "shown" && (
        <Modal
          title={dialog.title}
          onClose={close}
          footer={
            <button type="button" className="button primary" onClick={close}>
              {t.common.close}
            </button>
          }
        >
          <p>{dialog.text}</p>
          <CopyField label={dialog.title} value={dialog.url} testId="shown-link" />
          <p className="muted small">
            {t.common.expires(formatDateTime(dialog.expiresAt, locale))}. {t.common.shownOnce}
          </p>
        </Modal>
      )}
    </section>
  );
}

/** Invite (no member) or change one: name, role, restaurants for a manager or cashier. */
function MemberForm({
  member,
  roles,
  restaurants,
  onClose,
  onSaved,
}: {
  member?: Member;
  roles: readonly StaffRole[];
  restaurants: readonly Restaurant[];
  onClose: () => void;
  onSaved: (invite: { name: string; url: string; expiresAt: string } | null) => void;
}) {
  const t = useT();
  const { api } = useServices();
  const [email, setEmail] = useState("");
  const [name, setName] = useState(member?.name ?? "");
  const [role, setRole] = useState<StaffRole>(member?.role ?? roles.at(-1) ?? "cashier");
  const [restaurantIds, setRestaurantIds] = useState<string[]>(member?.restaurantIds ?? []);
  const submit = useSubmit(["email", "name", "role", "restaurantIds"]);
  const roleChanges = member !== undefined && role !== member.role;

  const save = () =>
    submit.run(async () => {
      const limits = limitedRole(role) ? restaurantIds : [];
      if (member) {
        await call(
          api.api.v1.staff[":staffId"].$patch({
            param: { staffId: member.id },
            json: { name, role, restaurantIds: limits },
          }),
        );
        onSaved(null);
      } else {
        const invited = await call(api.api.v1.staff.$post({ json: { email, name, role, restaurantIds: limits } }));
        onSaved({ name: invited.staff.name, url: invited.invite.url, expiresAt: invited.invite.expiresAt });
      }
    });

  return (
    <Modal
      title={member ? t.staff.editTitle(member.name) : t.staff.inviteTitle}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" onClick={onClose}>
            {t.common.cancel}
          </button>
          <button type="submit" form="member-form" className="button primary" disabled={submit.busy}>
            {member ? (roleChanges ? t.common.confirm : t.common.save) : t.staff.invite}
          </button>
        </>
      }
    >
      <form
        id="member-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {!member && (
          <Field label={t.staff.email} error={submit.errors.fields.email}>
            {(props) => (
              <input {...props} type="email" name="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
        )}
        <Field label={t.staff.name} error={submit.errors.fields.name}>
          {(props) => <input {...props} name="name" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t.staff.role} error={submit.errors.fields.role}>
          {(props) => (
            <select {...props} name="role" value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
              {roles.map((one) => (
                <option key={one} value={one}>
                  {t.roles[one]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {limitedRole(role) && restaurants.length > 0 && (
          <fieldset className="choices">
            <legend>{t.staff.restaurants}</legend>
            {restaurants.map((restaurant) => (
              <label key={restaurant.id} className="choice">
                <input
                  type="checkbox"
                  checked={restaurantIds.includes(restaurant.id)}
                  onChange={(e) =>
                    setRestaurantIds((ids) =>
                      e.target.checked ? [...ids, restaurant.id] : ids.filter((id) => id !== restaurant.id),
                    )
                  }
                />
                {restaurant.name}
              </label>
            ))}
            <p className={submit.errors.fields.restaurantIds ? "field-error" : "field-hint"}>
              {submit.errors.fields.restaurantIds ?? t.staff.restaurantsHint}
            </p>
          </fieldset>
        )}
        {roleChanges && member && <p className="notice">{t.staff.roleConfirm(member.name, t.roles[role])}</p>}
        <FormError errors={submit.errors} />
      </form>
    </Modal>
  );
}
