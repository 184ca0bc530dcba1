"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useState } from "react";

const TONES = {
  danger: {
    trigger: "rounded-md border border-red-300 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50",
    confirm: "rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700",
  },
  primary: {
    trigger: "rounded-md bg-brand px-3 py-1.5 text-sm font-medium text-brand-foreground",
    confirm: "rounded-md bg-brand px-3 py-1.5 text-sm font-medium text-brand-foreground",
  },
};

/**
 * Asks before a weighty action. The confirm button submits the form given by `formId`
 * (any form, including one with a server action), so the action itself stays a plain form.
 */
export function ConfirmDialog({
  trigger,
  title,
  description,
  confirmLabel,
  formId,
  tone = "danger",
  children,
}: {
  trigger: string;
  title: string;
  description: string;
  confirmLabel: string;
  formId: string;
  /** "danger" for deleting and disabling; "primary" for weighty but constructive steps. */
  tone?: "danger" | "primary";
  /** Fields shown in the dialog that belong to the form (`form={formId}`): the reason. */
  children?: React.ReactNode;
}) {
  const style = TONES[tone];
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className={style.trigger}>{trigger}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-[28rem] max-w-[90vw] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl">
          <Dialog.Title className="font-semibold">{title}</Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-slate-600">
            {description}
          </Dialog.Description>
          {children ? <div className="mt-4">{children}</div> : null}
          <div className="mt-5 flex justify-end gap-2">
            <Dialog.Close className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">
              Cancel
            </Dialog.Close>
            <button
              type="button"
              onClick={() => {
                // Submit before closing: closing unmounts this button, and a submit button that
                // has left the document no longer submits its form.
                const form = document.getElementById(formId) as HTMLFormElement | null;
                // A required field in the dialog (the reason) keeps it open until filled.
                if (form && !form.reportValidity()) return;
                form?.requestSubmit();
                setOpen(false);
              }}
              className={style.confirm}
            >
              {confirmLabel}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
