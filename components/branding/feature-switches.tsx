import { Field } from "@/components/forms/field";
import type { ActionResult } from "@/lib/actions/result";
import { PORTAL_SWITCH_FIELDS, type PortalSwitchField } from "@/lib/branding/fields";
import { BRANDING_LIMITS } from "@/lib/branding/schemas";

const SWITCH_LABELS: Record<PortalSwitchField, string> = {
  showBalance: "Balance (on the portal home)",
  showCdrs: "CDRs",
  showBreakout: "Breakout report",
  showAuditLog: "Audit log",
  showUsers: "Users",
  showContact: "Contact details",
};

/**
 * The draft's portal sections and the sender of portal users' emails. A checkbox is submitted
 * only when ticked ("on"); the draft form's base_* field for it says "on" or "off" as loaded
 * (lib/branding/schemas.ts). After a failed save the boxes show what was submitted.
 */
export function FeatureSwitches({
  state,
  values,
}: {
  state: ActionResult<unknown>;
  values: Record<string, string>;
}) {
  const echoed = state.status === "error" ? state.values : undefined;
  const checked = (f: PortalSwitchField) => (echoed ? echoed[f] === "on" : values[f] === "on");
  return (
    <>
      <fieldset className="sm:col-span-2" data-testid="portal-feature-switches">
        <legend className="text-sm font-medium text-slate-700">Portal sections shown</legend>
        <p className="text-xs text-slate-500">
          A cleared section leaves the portal&apos;s navigation once published, and its pages,
          exports and API reads answer “not found” to portal users. The Control Panel is not
          affected.
        </p>
        <div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-3">
          {PORTAL_SWITCH_FIELDS.map((f) => (
            <label key={f} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name={f}
                value="on"
                defaultChecked={checked(f)}
                className="h-4 w-4 rounded border-slate-300"
              />
              {SWITCH_LABELS[f]}
            </label>
          ))}
        </div>
      </fieldset>
      <Field
        name="emailSenderName"
        label="Email sender name"
        state={state}
        defaultValue={values.emailSenderName}
        maxLength={BRANDING_LIMITS.senderName}
        hint="Optional. The From name of emails to portal users (invitations, password resets, watch notifications)."
      />
      <Field
        name="emailSenderAddress"
        label="Email sender address"
        state={state}
        defaultValue={values.emailSenderAddress}
        type="email"
        hint="Optional. Empty: the platform's configured sender address. Your mail server must be allowed to send from it."
      />
    </>
  );
}
