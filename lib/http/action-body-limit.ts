/**
 * The largest request body a server action takes (next.config.ts passes it to Next as
 * serverActions.bodySizeLimit). The logo and favicon uploads are the largest bodies; their own
 * checks (lib/branding/image-limits.ts) refuse far smaller files with a clear message, so this only
 * has to let those through. Browser-safe and dependency-free: next.config.ts and proxy.ts read it.
 */
export const ACTION_BODY_LIMIT_BYTES = 2 * 1024 * 1024;
