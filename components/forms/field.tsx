import type { ActionResult } from "@/lib/actions/result";

type Common = {
  name: string;
  label: string;
  /** The last action result: shows this field's errors and keeps what the user typed. */
  state?: ActionResult<unknown>;
  defaultValue?: string | number | null;
  hint?: string;
};

type ControlProps = {
  id: string;
  name: string;
  defaultValue: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  className: string;
};

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none aria-invalid:border-red-400";

/**
 * Label, hint and field errors around one control, wired for screen readers; the control gets
 * the value the user typed when the last submit failed, else the default.
 */
function FieldShell({
  name,
  label,
  state,
  defaultValue,
  hint,
  control,
}: Common & { control: (props: ControlProps) => React.ReactNode }) {
  const id = `field-${name}`;
  const errors = state?.status === "error" ? state.fieldErrors?.[name] : undefined;
  const typed = state?.status === "error" ? state.values?.[name] : undefined;
  const value = typeof typed === "string" ? typed : String(defaultValue ?? "");
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {control({
        id,
        name,
        defaultValue: value,
        "aria-invalid": errors ? true : undefined,
        "aria-describedby": errors ? `${id}-error` : hint ? `${id}-hint` : undefined,
        className: inputClass,
      })}
      {errors ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {errors.join(" ")}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

type Without<T> = Omit<T, "name" | "defaultValue" | "id">;

export function Field({
  name,
  label,
  state,
  defaultValue,
  hint,
  ...input
}: Common & Without<React.InputHTMLAttributes<HTMLInputElement>>) {
  return (
    <FieldShell
      {...{ name, label, state, defaultValue, hint }}
      control={(props) => <input {...props} {...input} />}
    />
  );
}

export function SelectField({
  name,
  label,
  state,
  defaultValue,
  hint,
  options,
  ...select
}: Common & { options: readonly { value: string; label: string }[] } & Without<
    React.SelectHTMLAttributes<HTMLSelectElement>
  >) {
  return (
    <FieldShell
      {...{ name, label, state, defaultValue, hint }}
      control={(props) => (
        <select {...props} {...select}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export function TextAreaField({
  name,
  label,
  state,
  defaultValue,
  hint,
  ...area
}: Common & Without<React.TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  return (
    <FieldShell
      {...{ name, label, state, defaultValue, hint }}
      control={(props) => <textarea {...props} {...area} />}
    />
  );
}
