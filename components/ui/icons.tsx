/** Small inline icons (no icon font): decorative, so hidden from assistive technology. */
type IconProps = { className?: string };

export function MenuIcon({ className = "size-4" }: IconProps) {
  return (
    <svg
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      className={className}
      aria-hidden
    >
      <path d="M2.5 4h11M2.5 8h11M2.5 12h11" strokeLinecap="round" />
    </svg>
  );
}

export function FunnelIcon({ className = "size-4" }: IconProps) {
  return (
    <svg
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      className={className}
      aria-hidden
    >
      <path d="M2 3h12l-4.5 5.5V13l-3 1.5V8.5L2 3z" strokeLinejoin="round" />
    </svg>
  );
}

export function SortIcon({
  dir,
  className = "size-3",
}: IconProps & { dir: "asc" | "desc" | null }) {
  return (
    <svg viewBox="0 0 12 12" className={className} aria-hidden fill="currentColor">
      <path d="M6 1.5 9 5H3z" opacity={dir === "asc" ? 1 : 0.25} />
      <path d="M6 10.5 3 7h6z" opacity={dir === "desc" ? 1 : 0.25} />
    </svg>
  );
}

export function RefreshIcon({ className = "size-4" }: IconProps) {
  return (
    <svg
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      className={className}
      aria-hidden
    >
      <path
        d="M13.5 8A5.5 5.5 0 1 1 11.9 4.1M13.5 2.5v3h-3"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function CommentIcon({ className = "size-4" }: IconProps) {
  return (
    <svg
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      className={className}
      aria-hidden
    >
      <path d="M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z" strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}
