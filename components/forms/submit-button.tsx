"use client";

import { useFormStatus } from "react-dom";

/** Submit button that shows the form's pending state and blocks double submits. */
export function SubmitButton({
  children,
  pendingText = "Saving…",
  variant = "primary",
}: {
  children: React.ReactNode;
  pendingText?: string;
  variant?: "primary" | "danger" | "secondary";
}) {
  const { pending } = useFormStatus();
  const styles = {
    primary: "bg-brand text-white hover:opacity-90",
    danger: "bg-red-600 text-white hover:bg-red-700",
    secondary: "border border-slate-300 bg-white hover:bg-slate-50",
  }[variant];
  return (
    <button
      type="submit"
      disabled={pending}
      aria-disabled={pending}
      className={`rounded-md px-4 py-2 text-sm font-medium disabled:opacity-60 ${styles}`}
    >
      {pending ? pendingText : children}
    </button>
  );
}
