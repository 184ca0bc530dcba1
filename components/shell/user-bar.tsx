import Link from "next/link";

/** Who is signed in (name, role, account) and the Sign out button, top right of both apps. */
export function UserBar({
  name,
  role,
  accountName,
  profileHref,
  signOutAction,
}: {
  name: string;
  role: string;
  accountName?: string;
  /** The user's own profile (password, sessions): the name links there. */
  profileHref?: string;
  /** The Sign out form's server action (it lives with the auth routes, in app/); absent in the
   * branding preview, where the person shown is a sample. */
  signOutAction?: () => Promise<void>;
}) {
  return (
    <div className="ml-auto flex items-center gap-4">
      <p data-testid="current-user" className="text-sm text-slate-700">
        {profileHref ? (
          <Link href={profileHref} className="font-medium hover:underline" title="Your profile">
            {name}
          </Link>
        ) : (
          <span className="font-medium">{name}</span>
        )}
        <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
          {role}
        </span>
        {accountName ? <span className="ml-2 text-slate-500">{accountName}</span> : null}
      </p>
      {signOutAction ? (
        <form action={signOutAction}>
          <button
            type="submit"
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
          >
            Sign out
          </button>
        </form>
      ) : null}
    </div>
  );
}
