"use client";

import { useEffect, useRef, useState } from "react";
import { CommentIcon } from "@/components/ui/icons";

/**
 * A message cell: the message and the reason given for the change, each cut to a few lines
 * (globals.css) so a long field list does not make its row tall. Hovering shows the whole text;
 * a clipped cell gets a button that opens it in place, so the keyboard reaches it too. The
 * button has no text of its own: the cell's text stays the message. Screen readers read the
 * whole text either way (the clamp only hides it visually).
 */
export function AuditMessage({
  message,
  comment,
}: {
  message: string | null;
  comment: string | null;
}) {
  const textRef = useRef<HTMLDivElement>(null);
  const [clipped, setClipped] = useState(false);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const text = textRef.current;
    // Open, nothing is clipped; the button stays so it can close again.
    if (!text || open) return;
    const check = () =>
      setClipped(
        Array.from(text.children).some((part) => part.scrollHeight > part.clientHeight + 1),
      );
    const observer = new ResizeObserver(check);
    observer.observe(text);
    return () => observer.disconnect();
  }, [open, message, comment]);

  return (
    <div className="audit-message" data-open={open ? "" : undefined}>
      <div ref={textRef}>
        {message ? <p title={message}>{message}</p> : null}
        {comment ? (
          <small title={comment} data-testid="audit-comment">
            <CommentIcon className="mr-1 inline size-3.5 align-[-2px]" />
            <span className="sr-only">Reason for this change: </span>
            {comment}
          </small>
        ) : null}
      </div>
      {clipped ? (
        <button
          type="button"
          aria-expanded={open}
          aria-label="Full message"
          title={open ? "Show less" : "Show the full message"}
          onClick={() => setOpen(!open)}
        >
          <svg viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
            <path d="M4 6l4 4 4-4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      ) : null}
    </div>
  );
}
